using System;
using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A supplier/consumer dependency (<c>struct device_link</c>). With <see cref="DeviceLinkFlags.PmRuntime"/> the
/// consumer's runtime resume takes a reference on the supplier (resuming it first) and its runtime suspend gives it back.
/// </summary>
public sealed class DeviceLink
{
    // rpm_active starts at 1, meaning "no runtime references held through this link"; each unit above it is one
    // supplier reference the link owns: taken by Add()/GetSupplier() (refcount_inc), put by ReleaseSupplier().
    [OwnsPmReference(nameof(Supplier), Counted = true)]
    private int _rpmActive = 1;
    private int _deleted;

    private DeviceLink(Device supplier, Device consumer, DeviceLinkFlags flags)
    {
        Supplier = supplier;
        Consumer = consumer;
        Flags = flags;
    }

    /// <summary>The device depended on.</summary>
    public Device Supplier { get; }

    /// <summary>The dependent device.</summary>
    public Device Consumer { get; }

    /// <summary>The link flags.</summary>
    public DeviceLinkFlags Flags { get; }

    /// <summary>True for a <see cref="DeviceLinkFlags.PmRuntime"/> link.</summary>
    public bool IsPmRuntime => (Flags & DeviceLinkFlags.PmRuntime) != 0;

    /// <summary>Runtime references the consumer holds on the supplier through this link.</summary>
    public int RuntimeReferences => Volatile.Read(ref _rpmActive) - 1;

    /// <summary>Creates a link; returns <see langword="null"/> when <see cref="DeviceLinkFlags.RpmActive"/> could not resume the supplier.</summary>
    // models device_link_add() (the runtime-PM parts: DL_FLAG_RPM_ACTIVE and pm_runtime_new_link()).
    public static DeviceLink? Add(Device consumer, Device supplier, DeviceLinkFlags flags)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(supplier);
        if (ReferenceEquals(consumer, supplier))
        {
            return null;
        }

        var link = new DeviceLink(supplier, consumer, flags);
        if (link.IsPmRuntime && (flags & DeviceLinkFlags.RpmActive) != 0)
        {
            // The link is not published yet: link.Supplier is the supplier.
            if (link.Supplier.Power.GetSync() < 0)
            {
                link.Supplier.Power.PutNoIdle();
                return null;
            }

            Interlocked.Increment(ref link._rpmActive);
        }

        consumer.AddLink(link, asConsumer: true);
        supplier.AddLink(link, asConsumer: false);
        if (link.IsPmRuntime)
        {
            consumer.Power.NewLink();
        }

        return link;
    }

    /// <summary>Removes the link, giving back any runtime references held on the supplier.</summary>
    // models device_link_del() -> pm_runtime_drop_link().
    public void Delete()
    {
        if (Interlocked.Exchange(ref _deleted, 1) != 0)
        {
            return;
        }

        Consumer.RemoveLink(this, asConsumer: true);
        Supplier.RemoveLink(this, asConsumer: false);
        if (!IsPmRuntime)
        {
            return;
        }

        Consumer.Power.DropLink();
        ReleaseSupplier();
        Supplier.Power.RequestIdle();
    }

    // models rpm_get_suppliers() for one link: called on the consumer's resume, before its callback.
    internal int GetSupplier()
    {
        var ret = Supplier.Power.GetSync();
        // A supplier with runtime PM disabled is tolerated.
        if (ret < 0 && ret != -Errno.EACCES)
        {
            Supplier.Power.PutNoIdle();
            return ret;
        }

        Interlocked.Increment(ref _rpmActive);
        return 0;
    }

    // models pm_runtime_release_supplier(): drop every reference taken through this link.
    internal void ReleaseSupplier()
    {
        while (DecrementNotOne() && Supplier.Power.UsageCount > 0)
        {
            Supplier.Power.PutNoIdle();
        }
    }

    // refcount_dec_not_one(): takes one unit off rpm_active unless it is 1; true when it did, handing that supplier
    // reference back to the caller to put.
    [AcquiresPmReference(nameof(Supplier), OnSuccess = true)]
    private bool DecrementNotOne()
    {
        while (true)
        {
            var current = Volatile.Read(ref _rpmActive);
            if (current <= 1)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _rpmActive, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
