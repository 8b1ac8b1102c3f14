using VfioPm.Runtime;
using VfioPm.Runtime.Power;

namespace VfioPm.Benchmarks.Runtime;

/// <summary>
/// The reference design the fast path is measured against: the power lock taken on every get and every put, as a
/// kernel-style implementation with a spinlock per call would. Only the Active, in-use case is implemented: a get on an
/// Active device and a put that stays above zero (the benchmarks never leave that case).
/// </summary>
public sealed class LockPerCallPm
{
    private readonly object _lock = new();
    private int _usage;
    private RpmStatus _status = RpmStatus.Active;

    /// <summary>The usage count.</summary>
    public int UsageCount
    {
        get
        {
            lock (_lock)
            {
                return _usage;
            }
        }
    }

    /// <summary>Takes a reference under the lock; the device must be Active.</summary>
    public int ResumeAndGet()
    {
        lock (_lock)
        {
            _usage++;
            return _status == RpmStatus.Active ? 0 : -Errno.EAGAIN;
        }
    }

    /// <summary>Drops a reference under the lock; refuses an underflow.</summary>
    public int Put()
    {
        lock (_lock)
        {
            if (_usage == 0)
            {
                return -Errno.EINVAL;
            }

            if (--_usage == 0)
            {
                // Where the idle check would start; the benchmarks keep a base reference, so it never does.
                _status = RpmStatus.Active;
            }

            return 0;
        }
    }
}
