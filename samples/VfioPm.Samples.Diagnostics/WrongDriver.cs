using System;
using VfioPm.Annotations;
using VfioPm.Runtime;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Samples.Diagnostics;

/// <summary>
/// A driver with one of each bug VfioPm finds. Each method is the smallest case of its rule; a trailing
/// <c>// &lt;-- VPMxxxx</c> marks the line the diagnostic is reported on (tests hold the analyzers to it, in process and
/// through the NuGet package).
/// </summary>
[VfioDeviceOps]
public partial class WrongDriver
{
    private readonly Device _other = new("other");

    [PmDevice]
    public Device Dev { get; } = new("dev");

    public MemoryLock MemoryLock { get; } = new();

    [GuardedBy("MemoryLock")]
    private bool _engaged;

    [DeviceAccess(MemoryLockMode.Shared)]
    private static int ReadBar() => 0;

    [DeviceAccess(MemoryLockMode.Exclusive)]
    private static void SetPowerState() { }

    // VPM0001: the early return keeps the reference (the device never suspends again).
    public int LeakOnError(bool busy)
    {
        if (Dev.Power.ResumeAndGet() < 0) return -Errno.EIO;
        if (busy) return -Errno.EBUSY; // <-- VPM0001
        Dev.Power.Put();
        return 0;
    }

    // VPM0002: a put with no get (underflow).
    public void PutWithoutGet() => _other.Power.Put(); // <-- VPM0002

    // VPM0003: get_sync keeps its reference on failure.
    public int GetSyncLeak()
    {
        var ret = Dev.Power.GetSync(); // <-- VPM0003
        if (ret < 0) return -Errno.EIO;
        Dev.Power.Put();
        return 0;
    }

    // VPM0004: BAR access without memory_lock.
    public int ReadWithoutLock()
    {
        using var pm = Dev.Power.ResumeAndGetScope();
        return ReadBar(); // <-- VPM0004
    }

    // VPM0005: power-state change under a read hold.
    public void WriteUnderReadLock()
    {
        using var pm = Dev.Power.ResumeAndGetScope();
        using (MemoryLock.ReadLock())
        {
            SetPowerState(); // <-- VPM0005
        }
    }

    // VPM0006: access with no runtime-PM reference (the device may be in D3cold).
    public int ReadWithoutReference()
    {
        using (MemoryLock.ReadLock())
        {
            return ReadBar(); // <-- VPM0006
        }
    }

    // VPM0007: a synchronous resume under memory_lock deadlocks with the runtime callbacks.
    public void ResumeUnderLock()
    {
        using (MemoryLock.WriteLock())
        {
            _engaged = false;
            Dev.Power.Resume(); // <-- VPM0007
        }
    }

    // VPM0008: the raw runtime-PM error reaches user space.
    [VfioIoctl(VfioUapi.VFIO_DEVICE_GET_INFO)]
    public int GetInfo(Span<byte> arg) => Dev.Power.Resume(); // <-- VPM0008

    // VPM0009: the guarded flag read without its lock.
    public bool IsEngaged() => _engaged; // <-- VPM0009

    // VPM0010: memory_lock not released on the error path.
    public int LockLeak(bool fail)
    {
        MemoryLock.DownWrite();
        if (fail) return -Errno.EINVAL; // <-- VPM0010
        MemoryLock.UpWrite();
        return 0;
    }

    // VPM0011: declared to drop a reference on Dev, but it never does.
    [ReleasesPmReference("Dev.Power")]
    public void DropsNothing() { } // <-- VPM0011
}
