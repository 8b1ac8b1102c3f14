using System.Runtime.CompilerServices;
using System.Threading;

namespace VfioPm.Runtime.Power;

// The lock-free fast path of the get helpers (__pm_runtime_resume with RPM_GET_PUT) on a device that is already
// Active. Not in the kernel, which takes power.lock on every get; the model adds it so that a get/put pair on a busy
// device costs about what the two atomics cost, and keeps every result and side effect of the locked path.
//
// The gate. _fastGate is 1 only while "rpm_resume(dev, RPM_GET_PUT) would return 1 and change nothing": the status is
// Active, runtime PM is enabled, no error is latched, no request is recorded and no plain (non-autosuspend) suspend
// timer is armed — a locked resume would cancel those two. It is opened only under the power lock, by
// RefreshFastGate(), where that predicate is evaluated; everything that can make the predicate false closes it first,
// also under the lock: CheckSuspendAllowed() (before idle, suspend and schedule_suspend change anything) and the
// first disable. A getter that finds it closed takes the locked path, which is the kernel's.
//
// The race. A getter increments the usage count and then reads the gate; rpm_check_suspend_allowed() closes the gate
// and then reads the usage count. Both first steps are full fences (Interlocked: see the .NET memory model,
// docs/design/specs/Memory-model.md, "Full-fence operations"), so in the Dekker pattern at least one side sees the
// other: either the getter sees the gate closed (and serialises behind the suspend on the lock, resuming the device
// if it went down), or the check sees the count non-zero (-EAGAIN, nothing suspends). A suspend can therefore never
// start while a fast-path getter holds a reference. The check holds the lock from that read until it changes state,
// so no one can reopen the gate in between.
public sealed partial class RuntimePm
{
    // 1: a get on this device may skip the power lock. Written under the lock; read without it.
    private int _fastGate;

    // The GET_PUT fast path of __pm_runtime_resume(): the reference is taken first, as in the kernel, and kept either
    // way; true means the device was Active with nothing for rpm_resume() to do, so its result (1) is known.
    // Lock-free; never sleeps. Caller takes the locked path (with the count already raised) on false.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetActive()
    {
        Interlocked.Increment(ref _usageCount); // full fence: ordered before the gate read below
        return Volatile.Read(ref _fastGate) != 0;
    }

    // Opens the gate exactly when a locked GET_PUT resume would return 1 without side effects; closes it otherwise.
    // Caller holds the power lock.
    private void RefreshFastGate()
    {
        AssertLocked();
        var open = _status == RpmStatus.Active
            && _disableDepth == 0
            && _runtimeError == 0
            && _request == RpmRequest.None
            && (_timerExpiresNs == 0 || _timerAutosuspends)
            && !_traced; // a traced get takes the lock, to hit rpm_resume/rpm_return_int as __pm_runtime_resume() does
        Volatile.Write(ref _fastGate, open ? 1 : 0);
    }

    // Publishes "the state machine is about to act on a zero usage count": after this full fence a fast-path getter
    // either is visible in the count or will find the gate closed. Caller holds the power lock.
    private void CloseFastGate()
    {
        AssertLocked();
        Interlocked.Exchange(ref _fastGate, 0);
    }

    /// <summary>True while a get on this device takes the lock-free fast path (the device is Active with nothing pending).</summary>
    internal bool FastPathOpen => Volatile.Read(ref _fastGate) != 0;
}
