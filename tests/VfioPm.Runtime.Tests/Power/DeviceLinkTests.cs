using System.Collections.Generic;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>Spec §4.15: supplier/consumer device links and runtime PM.</summary>
public sealed class DeviceLinkTests
{
    private static DeviceLink AddLink(Device consumer, Device supplier, DeviceLinkFlags flags)
    {
        var link = DeviceLink.Add(consumer, supplier, flags);
        Assert.NotNull(link);
        return link!;
    }

    [Fact]
    public void ConsumerResumeResumesThePmRuntimeSupplierFirst()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);
        Assert.Equal(1, consumer.Power.LinksCount);
        var order = new List<string>();
        supplierCb.OnResume = d => { order.Add(d.Name); return 0; };
        consumerCb.OnResume = d => { order.Add(d.Name); return 0; };

        Assert.Equal(0, consumer.Power.GetSync());

        Assert.Equal(new[] { "supplier", "consumer" }, order);
        Assert.Equal(RpmStatus.Active, supplier.Power.Status);
        Assert.Equal(RpmStatus.Active, consumer.Power.Status);
        Assert.Equal(1, supplier.Power.UsageCount);
        Assert.Equal(1, link.RuntimeReferences);
        Assert.Equal(0, supplier.Power.ChildCount); // a supplier is not a parent

        // While the consumer is active, the supplier cannot suspend.
        bed.RunWork();
        Assert.Equal(-Errno.EAGAIN, supplier.Power.Suspend());
        Assert.Equal(RpmStatus.Active, supplier.Power.Status);
    }

    [Fact]
    public void ConsumerSuspendReleasesTheSupplierWhichThenSuspends()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);
        Assert.Equal(0, consumer.Power.GetSync());

        Assert.Equal(0, consumer.Power.PutSync());

        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        Assert.Equal(RpmStatus.Active, supplier.Power.Status); // only an idle request so far
        Assert.True(supplier.Power.RequestPending);

        bed.RunWork();

        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, supplierCb.Calls);
    }

    [Fact]
    public void RepeatedConsumerCyclesDoNotAccumulateSupplierReferences()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, consumer.Power.GetSync());
            Assert.Equal(1, supplier.Power.UsageCount);
            Assert.Equal(1, link.RuntimeReferences);
            Assert.Equal(0, consumer.Power.PutSync());
            bed.RunWork();
            Assert.Equal(0, supplier.Power.UsageCount);
            Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        }

        Assert.Equal(3, supplierCb.Resumes);
        Assert.Equal(3, supplierCb.Suspends);
    }

    [Fact]
    public void LinkWithoutPmRuntimeNeverTouchesTheSupplier()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.None);
        Assert.Equal(0, consumer.Power.LinksCount);

        Assert.Equal(0, consumer.Power.GetSync());
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);

        Assert.Equal(0, consumer.Power.PutSync());
        bed.RunWork();

        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, consumerCb.Calls);
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Empty(supplierCb.Calls);
        Assert.Equal(0, supplierCb.Idles);
    }

    [Fact]
    public void NonPmRuntimeSupplierIsNotIdledAfterTheConsumerSuspends()
    {
        var bed = new PmTestBed();
        var (pmSupplier, _) = bed.Create("pm-supplier", enable: true);
        var (plainSupplier, plainCb) = bed.Create("plain-supplier", enable: true, active: true);
        var (consumer, _) = bed.Create("consumer", enable: true);
        AddLink(consumer, pmSupplier, DeviceLinkFlags.PmRuntime);
        AddLink(consumer, plainSupplier, DeviceLinkFlags.None);
        Assert.Equal(0, consumer.Power.GetSync());

        Assert.Equal(0, consumer.Power.PutSync());
        bed.RunWork();

        Assert.Equal(RpmStatus.Suspended, pmSupplier.Power.Status);
        Assert.Equal(RpmStatus.Active, plainSupplier.Power.Status); // idle, but nobody asked it to suspend
        Assert.Empty(plainCb.Calls);
    }

    [Fact]
    public void RpmActiveFlagTakesASupplierReferenceAtCreation()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer", enable: true);

        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime | DeviceLinkFlags.RpmActive);

        Assert.Equal(RpmStatus.Active, supplier.Power.Status);
        Assert.Equal(1, supplier.Power.UsageCount);
        Assert.Equal(1, link.RuntimeReferences);
        Assert.Equal(new[] { "resume" }, supplierCb.Calls);

        // The consumer's resume adds one more; its suspend gives back every reference held through the link.
        Assert.Equal(0, consumer.Power.GetSync());
        Assert.Equal(2, supplier.Power.UsageCount);
        Assert.Equal(2, link.RuntimeReferences);
        Assert.Equal(0, consumer.Power.PutSync());
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
    }

    [Fact]
    public void RpmActiveFlagWithoutPmRuntimeTakesNoReference()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer", enable: true);

        var link = AddLink(consumer, supplier, DeviceLinkFlags.RpmActive);

        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        Assert.Empty(supplierCb.Calls);
    }

    [Fact]
    public void DeleteReleasesTheReferencesAndLetsTheSupplierSuspend()
    {
        var bed = new PmTestBed();
        var (supplier, _) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime | DeviceLinkFlags.RpmActive);
        Assert.Equal(1, supplier.Power.UsageCount);

        link.Delete();

        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        Assert.Equal(0, consumer.Power.LinksCount);
        Assert.Empty(consumer.SupplierLinks);
        Assert.Empty(supplier.ConsumerLinks);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);

        // The consumer no longer drags the supplier up.
        Assert.Equal(0, consumer.Power.GetSync());
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
    }

    [Fact]
    public void FailingSupplierResumeFailsTheConsumerResumeAndLeavesNoReference()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);
        supplierCb.OnResume = _ => -Errno.ENODEV;

        Assert.Equal(-Errno.ENODEV, consumer.Power.Resume());

        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(0, consumerCb.Resumes); // the consumer's own callback never ran
        Assert.Equal(-Errno.ENODEV, consumer.Power.RuntimeError);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
        Assert.Equal(-Errno.ENODEV, supplier.Power.RuntimeError);
    }

    [Fact]
    public void FailingSecondSupplierReleasesTheFirstOne()
    {
        var bed = new PmTestBed();
        var (good, goodCb) = bed.Create("good", enable: true);
        var (bad, badCb) = bed.Create("bad", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var goodLink = AddLink(consumer, good, DeviceLinkFlags.PmRuntime);
        var badLink = AddLink(consumer, bad, DeviceLinkFlags.PmRuntime);
        badCb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EIO, consumer.Power.ResumeAndGet());

        Assert.Equal(0, consumer.Power.UsageCount);
        Assert.Equal(0, consumerCb.Resumes);
        Assert.Equal(0, good.Power.UsageCount);
        Assert.Equal(0, goodLink.RuntimeReferences);
        Assert.Equal(0, bad.Power.UsageCount);
        Assert.Equal(0, badLink.RuntimeReferences);

        // The good supplier was resumed on the way and is now idled back down.
        Assert.Equal(RpmStatus.Active, good.Power.Status);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, good.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, goodCb.Calls);
    }

    [Fact]
    public void SupplierWithRuntimePmDisabledIsTolerated()
    {
        var bed = new PmTestBed();
        var (supplier, supplierCb) = bed.Create("supplier"); // runtime PM disabled: get_sync gives -EACCES
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);

        Assert.Equal(0, consumer.Power.GetSync());

        Assert.Equal(RpmStatus.Active, consumer.Power.Status);
        Assert.Equal(0, consumer.Power.RuntimeError);
        Assert.Equal(new[] { "resume" }, consumerCb.Calls);
        Assert.Equal(1, supplier.Power.UsageCount);
        Assert.Equal(1, link.RuntimeReferences);
        Assert.Empty(supplierCb.Calls);

        Assert.Equal(0, consumer.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
    }

    [Fact]
    public void ConsumerSuspendFailureKeepsTheSupplierReference()
    {
        var bed = new PmTestBed();
        var (supplier, _) = bed.Create("supplier", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);
        Assert.Equal(0, consumer.Power.GetSync());
        consumerCb.OnSuspend = _ => -Errno.EBUSY;

        Assert.Equal(-Errno.EBUSY, consumer.Power.PutSync());

        Assert.Equal(RpmStatus.Active, consumer.Power.Status);
        Assert.Equal(1, supplier.Power.UsageCount);
        Assert.Equal(1, link.RuntimeReferences);
        bed.RunWork();
        Assert.Equal(RpmStatus.Active, supplier.Power.Status);
    }

    [Fact]
    public void ConsumerResumeCallbackFailureReleasesTheSupplierWithoutIdlingIt()
    {
        var bed = new PmTestBed();
        var (supplier, _) = bed.Create("supplier", enable: true);
        var (consumer, consumerCb) = bed.Create("consumer", enable: true);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);
        consumerCb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EIO, consumer.Power.Resume());

        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        Assert.Equal(RpmStatus.Active, supplier.Power.Status); // put_noidle: nobody asked it to idle
        Assert.False(supplier.Power.RequestPending);
    }

    [Fact]
    public void SetActiveTakesSupplierReferencesAndSetSuspendedGivesThemBack()
    {
        var bed = new PmTestBed();
        var (supplier, _) = bed.Create("supplier", enable: true);
        var (consumer, _) = bed.Create("consumer"); // disabled, so its status may be forced
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);

        Assert.Equal(0, consumer.Power.SetActive());

        Assert.Equal(RpmStatus.Active, consumer.Power.Status);
        Assert.Equal(RpmStatus.Active, supplier.Power.Status);
        Assert.Equal(1, supplier.Power.UsageCount);
        Assert.Equal(1, link.RuntimeReferences);

        Assert.Equal(0, consumer.Power.SetSuspended());

        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
    }

    [Fact]
    public void SetActiveRefusedByTheParentGivesTheSupplierReferencesBack()
    {
        var bed = new PmTestBed();
        var (supplier, _) = bed.Create("supplier", enable: true);
        var (parent, _) = bed.Create("parent", enable: true); // enabled and suspended
        var (consumer, _) = bed.Create("consumer", parent);
        var link = AddLink(consumer, supplier, DeviceLinkFlags.PmRuntime);

        Assert.Equal(-Errno.EBUSY, consumer.Power.SetActive());

        Assert.Equal(RpmStatus.Suspended, consumer.Power.Status);
        Assert.Equal(0, supplier.Power.UsageCount);
        Assert.Equal(0, link.RuntimeReferences);
        bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, supplier.Power.Status);
    }
}
