using System;
using System.Threading;

namespace VfioPm.Runtime.Power;

/// <summary>
/// A device's runtime power management: the state of <c>struct dev_pm_info</c> and the API of
/// <c>include/linux/pm_runtime.h</c>, with kernel-style int results (0/positive on success, <c>-errno</c> on failure).
/// </summary>
/// <remarks>
/// <para>Every transition happens under the per-device power lock (<c>dev-&gt;power.lock</c>); callbacks run with it
/// dropped; a synchronous caller that meets a transition in flight waits for it. The usage count and child count are
/// atomics read and changed without the lock, as in the kernel. On an Active device with nothing pending, a get and a put
/// that stays above zero take no lock at all (RuntimePm.FastPath.cs), with the locked path's results.</para>
/// <para>Baseline: Linux 6.19 (put/put_sync return 1 on an already-suspended device; <see cref="Barrier"/> returns nothing).</para>
/// </remarks>
public sealed partial class RuntimePm
{
    // dev->power.lock. Lock order: a child's lock may be held while taking its parent's (set_status, no_callbacks
    // resume), never the reverse; every other cross-device step drops this lock first.
    private readonly object _lock = new();
    private readonly Device _device;
    private readonly PmEnvironment _env;
    private readonly PmWork _work;

    // Guarded by _lock (written); read lock-free only where the kernel also does.
    // Volatile so readouts see it without the lock; written only under it.
    private volatile RpmStatus _status = RpmStatus.Suspended;
    private RpmStatus? _lastStatus;
    private int _disableDepth = 1;
    private int _runtimeError;
    private bool _ignoreChildren;
    private bool _runtimeAuto = true;
    private bool _requestPending;
    private RpmRequest _request;
    private bool _deferredResume;
    private bool _idleNotification;
    private bool _noCallbacks;
    private TimeSpan? _qosResumeLatency;
    private long _accountingNs;
    private long _activeNs;
    private long _suspendedNs;

    // Atomics (usage_count, child_count, links_count).
    private int _usageCount;
    private int _childCount;
    private int _linksCount;
    private int _underflows;
    private Exception? _lastCallbackFault;

    internal RuntimePm(Device device)
    {
        _device = device;
        _env = device.Environment;
        _work = new PmWork(RunWork);
        _traced = _env.Register(this);
    }

    /// <summary>The device this state belongs to.</summary>
    public Device Device => _device;

    /// <summary><c>runtime_status</c>.</summary>
    public RpmStatus Status => _status;

    /// <summary><c>usage_count</c>: references that keep the device from suspending. Never negative.</summary>
    public int UsageCount => Volatile.Read(ref _usageCount);

    /// <summary><c>child_count</c>: children currently counted as active.</summary>
    public int ChildCount => Volatile.Read(ref _childCount);

    /// <summary><c>disable_depth</c>: 0 when runtime PM is enabled.</summary>
    public int DisableDepth
    {
        get
        {
            lock (_lock)
            {
                return _disableDepth;
            }
        }
    }

    /// <summary><c>last_status</c>: the status captured when runtime PM was last disabled; <see langword="null"/> (RPM_INVALID) while enabled.</summary>
    public RpmStatus? LastStatus
    {
        get
        {
            lock (_lock)
            {
                return _lastStatus;
            }
        }
    }

    /// <summary><c>runtime_error</c>: a fatal callback error latched until <see cref="SetActive"/> or <see cref="SetSuspended"/>; 0 when healthy.</summary>
    public int RuntimeError
    {
        get
        {
            lock (_lock)
            {
                return _runtimeError;
            }
        }
    }

    /// <summary><c>pm_runtime_enabled()</c>: disable depth is 0.</summary>
    public bool IsEnabled => DisableDepth == 0;

    /// <summary><c>runtime_auto</c>: power/control is "auto". False means forbidden, which holds one usage reference.</summary>
    public bool IsAllowed
    {
        get
        {
            lock (_lock)
            {
                return _runtimeAuto;
            }
        }
    }

    /// <summary><c>ignore_children</c>.</summary>
    public bool IgnoresChildren
    {
        get
        {
            lock (_lock)
            {
                return _ignoreChildren;
            }
        }
    }

    /// <summary><c>pm_runtime_suspended()</c>: Suspended and enabled.</summary>
    public bool IsSuspended
    {
        get
        {
            lock (_lock)
            {
                return _status == RpmStatus.Suspended && _disableDepth == 0;
            }
        }
    }

    /// <summary><c>pm_runtime_active()</c>: Active, or disabled ("disabled counts as active").</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _status == RpmStatus.Active || _disableDepth != 0;
            }
        }
    }

    /// <summary><c>pm_runtime_status_suspended()</c>: the status is Suspended, enabled or not.</summary>
    public bool IsStatusSuspended => Status == RpmStatus.Suspended;

    /// <summary>How many puts were refused because the count was already 0 ("Runtime PM usage count underflow!").</summary>
    public int UnderflowWarnings => Volatile.Read(ref _underflows);

    /// <summary>The last exception a callback threw (it was treated as <c>-EIO</c>), or <see langword="null"/>.</summary>
    public Exception? LastCallbackFault => Volatile.Read(ref _lastCallbackFault);

    /// <summary>True while an async request (idle, suspend, autosuspend or resume) waits on the PM workqueue.</summary>
    public bool RequestPending
    {
        get
        {
            lock (_lock)
            {
                return _requestPending && _request != RpmRequest.None;
            }
        }
    }

    /// <summary>
    /// The PM QoS resume-latency constraint; <see langword="null"/> means none. <see cref="TimeSpan.Zero"/> means no
    /// latency is tolerated, so suspend is refused with <c>-EPERM</c>.
    /// </summary>
    public TimeSpan? QosResumeLatency
    {
        get
        {
            lock (_lock)
            {
                return _qosResumeLatency;
            }
        }

        set
        {
            lock (_lock)
            {
                _qosResumeLatency = value;
            }
        }
    }

    /// <summary>Time spent runtime-active while enabled (<c>runtime_active_time</c>).</summary>
    public TimeSpan ActiveTime => AccountedTime(suspended: false);

    /// <summary>Time spent runtime-suspended while enabled (<c>runtime_suspended_time</c>).</summary>
    public TimeSpan SuspendedTime => AccountedTime(suspended: true);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{_device.Name}: {Status} usage={UsageCount} children={ChildCount} depth={DisableDepth} error={Errno.Describe(RuntimeError)}";

    private TimeSpan AccountedTime(bool suspended)
    {
        lock (_lock)
        {
            UpdateAccounting();
            return TimeSpan.FromTicks((suspended ? _suspendedNs : _activeNs) / 100);
        }
    }

    // models update_pm_runtime_accounting(). Caller holds the power lock.
    private void UpdateAccounting()
    {
        if (_disableDepth > 0)
        {
            return;
        }

        var now = _env.MonotonicNs;
        var delta = now - _accountingNs;
        _accountingNs = now;
        if (_status == RpmStatus.Suspended)
        {
            _suspendedNs += delta;
        }
        else
        {
            _activeNs += delta;
        }
    }
}
