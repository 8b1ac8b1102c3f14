using System;
using System.Linq;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// The rpm tracepoints fire where runtime.c fires them (rpm_idle/rpm_suspend/rpm_resume on entry, rpm_return_int on
/// every exit of those three, rpm_status in __update_runtime_status, rpm_usage where a count change stops short of the
/// state machine), with the fields TP_fast_assign records at that moment. Each expected sequence below is what a kernel
/// with the same devices logs for the same calls; the comments say which runtime.c step writes each line.
/// </summary>
public sealed class RpmTracepointOrderTests
{
    [Fact]
    public void ResumeAndGetThenPutOnASuspendedChildOfASuspendedParent()
    {
        var bed = new PmTestBed();
        var (port, _) = bed.Create("port", enable: true);
        var (gpu, _) = bed.Create("gpu", port, enable: true);
        var log = new RpmTraceLog();
        using var attached = bed.Environment.AttachTraceSink(log);

        Assert.Equal(0, gpu.Power.ResumeAndGet());
        Assert.Equal(0, gpu.Power.Put());
        bed.RunWork();

        Assert.Equal(
            new[]
            {
                // __pm_runtime_resume(gpu, RPM_GET_PUT): the count is already up when rpm_resume traces.
                "rpm_resume: gpu flags-4 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                // pm_runtime_get_noresume(parent), then rpm_resume(parent, 0).
                "rpm_resume: port flags-0 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_status: port status=RPM_RESUMING",
                "rpm_status: port status=RPM_ACTIVE",
                // rpm_resume's closing rpm_idle(parent, RPM_ASYNC): still referenced.
                "rpm_idle: port flags-1 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:port ret=-11",
                "rpm_return_int: rpm_resume:port ret=0",
                // 'repeat' with the parent active: the gpu's own callback.
                "rpm_status: gpu status=RPM_RESUMING",
                "rpm_status: gpu status=RPM_ACTIVE",
                "rpm_idle: gpu flags-1 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:gpu ret=-11",
                // 'out': pm_runtime_put(parent) reaches zero, but the parent has an active child now.
                "rpm_idle: port flags-5 cnt-0  dep-0  auto-1 p-0 irq-0 child-1",
                "rpm_return_int: rpm_idle:port ret=-16",
                "rpm_return_int: rpm_resume:gpu ret=0",
                // pm_runtime_put(gpu): zero, so rpm_idle queues the idle callback.
                "rpm_idle: gpu flags-5 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:gpu ret=0",
                // pm_runtime_work: rpm_idle(RPM_NOWAIT), the callback says 0, rpm_suspend(RPM_NOWAIT | RPM_AUTO).
                "rpm_idle: gpu flags-2 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:gpu ret=0",
                "rpm_suspend: gpu flags-a cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_status: gpu status=RPM_SUSPENDING",
                "rpm_status: gpu status=RPM_SUSPENDED",
                // "Maybe the parent is now able to suspend": rpm_idle(parent, RPM_ASYNC), before rpm_suspend's 'out'.
                "rpm_idle: port flags-1 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:port ret=0",
                "rpm_return_int: rpm_suspend:gpu ret=0",
                "rpm_idle: port flags-2 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:port ret=0",
                "rpm_suspend: port flags-a cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_status: port status=RPM_SUSPENDING",
                "rpm_status: port status=RPM_SUSPENDED",
                "rpm_return_int: rpm_suspend:port ret=0",
            },
            log.Lines);
    }

    [Fact]
    public void IoctlOnASuspendedVfioFunctionResumesReturnsIdlesAndSuspends()
    {
        // Seed 000: the ioctl wrapper's resume_and_get/put bracket on a function in low power (D3cold).
        var rig = new VfioRig(platformD3Cold: true);
        Assert.Equal(0, rig.Entry());
        rig.Settle();
        Assert.Equal(RpmStatus.Suspended, rig.Status);
        var log = new RpmTraceLog();
        using var attached = rig.Platform.Environment.AttachTraceSink(log);

        var info = new byte[16];
        BitConverter.TryWriteBytes(info, 16); // argsz
        Assert.Equal(0, rig.File.Ioctl(VfioUapi.VFIO_DEVICE_GET_INFO, info));
        var duringIoctl = GpuLines(log, rig);
        log.Clear();
        rig.Settle();
        var afterIoctl = GpuLines(log, rig);

        Assert.Equal(
            new[]
            {
                // pm_runtime_resume_and_get() -> __pm_runtime_resume(RPM_GET_PUT).
                "rpm_resume: 0000:01:00.0 flags-4 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                // While the root port powers up, pci_resume_bus() asks for the function's resume (RPM_ASYNC); the
                // function is Suspended, so a request is queued and rpm_resume returns 0.
                "rpm_resume: 0000:01:00.0 flags-1 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_resume:0000:01:00.0 ret=0",
                "rpm_status: 0000:01:00.0 status=RPM_RESUMING",
                "rpm_status: 0000:01:00.0 status=RPM_ACTIVE",
                // The idle check after a resume; the queued request shows as p-1.
                "rpm_idle: 0000:01:00.0 flags-1 cnt-1  dep-0  auto-1 p-1 irq-0 child-0",
                "rpm_return_int: rpm_idle:0000:01:00.0 ret=-11",
                "rpm_return_int: rpm_resume:0000:01:00.0 ret=0",
                // The wrapper's pm_runtime_put(): zero, idle queued.
                "rpm_idle: 0000:01:00.0 flags-5 cnt-0  dep-0  auto-1 p-1 irq-0 child-0",
                "rpm_return_int: rpm_idle:0000:01:00.0 ret=0",
            },
            duringIoctl);
        Assert.Equal(
            new[]
            {
                "rpm_idle: 0000:01:00.0 flags-2 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:0000:01:00.0 ret=0",
                "rpm_suspend: 0000:01:00.0 flags-a cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_status: 0000:01:00.0 status=RPM_SUSPENDING",
                "rpm_status: 0000:01:00.0 status=RPM_SUSPENDED",
                "rpm_return_int: rpm_suspend:0000:01:00.0 ret=0",
            },
            afterIoctl);
        Assert.Equal(RpmStatus.Suspended, rig.Status);
    }

    [Fact]
    public void LowPowerEntryDropsTheOpenReferenceUntracedAndTheWrappersPutSuspends()
    {
        // Seed 001: LOW_POWER_ENTRY on an open, active function. The handler's pm_runtime_put_noidle() has no
        // tracepoint, so the count the wrapper's put shows has already lost the open reference.
        var rig = new VfioRig(platformD3Cold: true);
        Assert.Equal(RpmStatus.Active, rig.Status);
        Assert.Equal(1, rig.Usage);
        var log = new RpmTraceLog();
        using var attached = rig.Platform.Environment.AttachTraceSink(log);

        Assert.Equal(0, rig.Entry());
        var duringIoctl = GpuLines(log, rig);
        log.Clear();
        rig.Settle();

        Assert.Equal(
            new[]
            {
                // The ioctl wrapper's resume_and_get on an active device: rpm_resume returns 1.
                "rpm_resume: 0000:01:00.0 flags-4 cnt-2  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_resume:0000:01:00.0 ret=1",
                // The wrapper's put reaches zero (entry dropped the open reference): the idle check is queued.
                "rpm_idle: 0000:01:00.0 flags-5 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:0000:01:00.0 ret=0",
            },
            duringIoctl);
        Assert.Equal(
            new[]
            {
                "rpm_idle: 0000:01:00.0 flags-2 cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_idle:0000:01:00.0 ret=0",
                "rpm_suspend: 0000:01:00.0 flags-a cnt-0  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_status: 0000:01:00.0 status=RPM_SUSPENDING",
                "rpm_status: 0000:01:00.0 status=RPM_SUSPENDED",
                "rpm_return_int: rpm_suspend:0000:01:00.0 ret=0",
            },
            GpuLines(log, rig));
        Assert.True(rig.Vdev.PmRuntimeEngaged);
    }

    [Fact]
    public void PutsThatLeaveTheDeviceInUseTraceRpmUsageWithTheirFlags()
    {
        var bed = new PmTestBed();
        var (gpu, _) = bed.Create("gpu", enable: true, active: true);
        for (var i = 0; i < 4; i++)
        {
            gpu.Power.GetNoResume(); // not traced, as pm_runtime_get_noresume() is not
        }

        var log = new RpmTraceLog();
        using var attached = bed.Environment.AttachTraceSink(log);
        gpu.Power.Put();
        gpu.Power.PutSync();
        gpu.Power.PutAutosuspend();
        gpu.Power.PutNoIdle(); // not traced, as pm_runtime_put_noidle() is not

        Assert.Equal(
            new[]
            {
                // __pm_runtime_idle(RPM_GET_PUT | RPM_ASYNC) with the count still above zero; cnt is the new count.
                "rpm_usage: gpu flags-5 cnt-3  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_usage: gpu flags-4 cnt-2  dep-0  auto-1 p-0 irq-0 child-0",
                // __pm_runtime_suspend(RPM_GET_PUT | RPM_ASYNC | RPM_AUTO).
                "rpm_usage: gpu flags-d cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
            },
            log.Lines);
        Assert.All(log.Events, e => Assert.False(e.UnderPowerLock)); // before spin_lock_irqsave, as in the kernel
    }

    [Fact]
    public void ConditionalGetsAndAllowTraceRpmUsage()
    {
        var bed = new PmTestBed();
        var (gpu, _) = bed.Create("gpu", enable: true, active: true);
        gpu.Power.GetNoResume();
        gpu.Power.Forbid();
        var log = new RpmTraceLog();
        using var attached = bed.Environment.AttachTraceSink(log);

        Assert.Equal(1, gpu.Power.GetIfActive());
        Assert.Equal(1, gpu.Power.GetIfInUse());
        gpu.Power.Allow(); // drops forbid's reference; three are left

        Assert.Equal(
            new[]
            {
                // pm_runtime_get_conditional() traces after its answer, flags 0.
                "rpm_usage: gpu flags-0 cnt-3  dep-0  auto-0 p-0 irq-0 child-0",
                "rpm_usage: gpu flags-0 cnt-4  dep-0  auto-0 p-0 irq-0 child-0",
                // pm_runtime_allow() with references left: trace_rpm_usage(dev, RPM_AUTO | RPM_ASYNC).
                "rpm_usage: gpu flags-9 cnt-3  dep-0  auto-1 p-0 irq-0 child-0",
            },
            log.Lines);
    }

    [Fact]
    public void AGetOnAnActiveDeviceTracesAResumeReturningOneWithTheFastPathsResult()
    {
        var bed = new PmTestBed();
        var (gpu, _) = bed.Create("gpu", enable: true, active: true);
        Assert.Equal(0, gpu.Power.ResumeAndGet()); // the first get is locked and opens the gate
        Assert.True(gpu.Power.FastPathOpen);

        var untraced = gpu.Power.ResumeAndGet(); // lock-free
        var log = new RpmTraceLog();
        using (bed.Environment.AttachTraceSink(log))
        {
            Assert.True(bed.Environment.IsTracing);
            Assert.Equal(untraced, gpu.Power.ResumeAndGet());
            Assert.Equal(1, gpu.Power.GetSync());
        }

        Assert.False(bed.Environment.IsTracing);
        Assert.Equal(4, gpu.Power.UsageCount);
        Assert.Equal(
            new[]
            {
                "rpm_resume: gpu flags-4 cnt-3  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_resume:gpu ret=1",
                "rpm_resume: gpu flags-4 cnt-4  dep-0  auto-1 p-0 irq-0 child-0",
                "rpm_return_int: rpm_resume:gpu ret=1",
            },
            log.Lines);

        // Detached: nothing more is written.
        gpu.Power.ResumeAndGet();
        gpu.Power.Put();
        Assert.Equal(4, log.Events.Count);
    }

    [Fact]
    public void EverySinkAttachedSeesEveryEventUntilDetached()
    {
        var bed = new PmTestBed();
        var (gpu, _) = bed.Create("gpu", enable: true, active: true);
        var first = new RpmTraceLog();
        var second = new RpmTraceLog();
        var a = bed.Environment.AttachTraceSink(first);
        using (bed.Environment.AttachTraceSink(second))
        {
            gpu.Power.Suspend();
        }

        gpu.Power.Resume();
        a.Dispose();
        a.Dispose(); // idempotent
        gpu.Power.Suspend();

        // rpm_suspend, RPM_SUSPENDING, RPM_SUSPENDED, rpm_return_int (no parent to notify).
        Assert.Equal(4, second.Events.Count);
        Assert.Equal(second.Lines, first.Lines.Take(second.Events.Count));
        Assert.Contains("rpm_resume: gpu flags-0 cnt-0  dep-0  auto-1 p-0 irq-0 child-0", first.Lines);
        Assert.DoesNotContain(first.Events.Skip(second.Events.Count), e => e.Point == RpmTracepoint.Suspend);
    }

    private static string[] GpuLines(RpmTraceLog log, VfioRig rig) =>
        log.Events.Where(e => ReferenceEquals(e.Device, rig.Pdev)).Select(e => $"{e.Name}: {RpmTraceFormat.Fields(e)}").ToArray();
}
