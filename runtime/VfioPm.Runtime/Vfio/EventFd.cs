using System;
using System.Diagnostics;
using System.Threading;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// An eventfd (eventfd(2)) in non-blocking mode: a 64-bit counter that <see cref="Signal"/> adds to and
/// <see cref="Read"/> drains. vfio-pci signals one when a device armed with
/// <c>VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP</c> is woken. Thread-safe.
/// </summary>
/// <remarks>
/// The model is always non-blocking (<c>EFD_NONBLOCK</c>): where the kernel would sleep, the call returns
/// <c>-EAGAIN</c>. Waiting is done explicitly with <see cref="Wait"/>, which is what poll(2) for <c>POLLIN</c> gives.
/// </remarks>
// models fs/eventfd.c: struct eventfd_ctx together with its file
public sealed class EventFd
{
    /// <summary>The largest value the counter can hold: 0xFFFFFFFFFFFFFFFE (<c>ULLONG_MAX - 1</c>).</summary>
    public const ulong MaxCount = ulong.MaxValue - 1;

    private readonly object _lock = new();
    private readonly bool _semaphore;
    private ulong _count;
    private bool _closed;

    /// <summary>Creates an eventfd.</summary>
    /// <param name="initialValue">The counter's initial value (eventfd(2) takes an unsigned int).</param>
    /// <param name="semaphore">
    /// <c>EFD_SEMAPHORE</c>: each <see cref="Read"/> returns 1 and decrements the counter, instead of returning and
    /// clearing all of it.
    /// </param>
    // models eventfd(2) / eventfd_file_create() with EFD_NONBLOCK
    public EventFd(uint initialValue = 0, bool semaphore = false)
    {
        _count = initialValue;
        _semaphore = semaphore;
    }

    /// <summary>
    /// Raised (outside the internal lock, on the signalling thread) after a <see cref="Signal"/> that added a non-zero
    /// value. A handler that throws makes that <see cref="Signal"/> call throw.
    /// </summary>
    public event EventHandler? Signaled;

    /// <summary>Whether the eventfd was created with <c>EFD_SEMAPHORE</c>.</summary>
    public bool IsSemaphore => _semaphore;

    /// <summary>The current counter value (what a read would return in non-semaphore mode), without draining it.</summary>
    public ulong Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Whether <see cref="Close"/> has run.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Adds <paramref name="n"/> to the counter and wakes waiters.</summary>
    /// <param name="n">The value to add (a write(2) of that 8-byte value).</param>
    /// <returns>
    /// 0; <c>-EINVAL</c> for <paramref name="n"/> = 0xFFFFFFFFFFFFFFFF; <c>-EAGAIN</c> when the sum would exceed
    /// <see cref="MaxCount"/> (the kernel would block; the counter is left unchanged); <c>-EBADF</c> after
    /// <see cref="Close"/>.
    /// </returns>
    /// <remarks>
    /// In the kernel a driver holding a context reference can still signal after the user closed the file, but nobody
    /// can read that count any more, so the model reports <c>-EBADF</c> and drops it; the in-kernel caller
    /// (the vfio-pci resume path) ignores the result, as <c>eventfd_signal()</c> returns nothing since 6.8.
    /// </remarks>
    // models eventfd_write() in non-blocking mode (and eventfd_signal() for in-kernel callers)
    public int Signal(ulong n = 1)
    {
        if (n == ulong.MaxValue)
        {
            return -Errno.EINVAL;
        }

        lock (_lock)
        {
            if (_closed)
            {
                return -Errno.EBADF;
            }

            // The counter may never reach ULLONG_MAX: that value is how a write of "too much" is told apart.
            if (ulong.MaxValue - _count <= n)
            {
                return -Errno.EAGAIN;
            }

            _count += n;
            Monitor.PulseAll(_lock);
        }

        if (n != 0)
        {
            Signaled?.Invoke(this, EventArgs.Empty);
        }

        return 0;
    }

    /// <summary>Drains the counter: returns its value and resets it to 0 (semaphore mode: returns 1 and decrements).</summary>
    /// <param name="value">The value read, or 0 on failure.</param>
    /// <returns>0; <c>-EAGAIN</c> when the counter is 0 (the kernel would block); <c>-EBADF</c> after <see cref="Close"/>.</returns>
    // models eventfd_read() in non-blocking mode
    public int Read(out ulong value)
    {
        lock (_lock)
        {
            value = 0;
            if (_closed)
            {
                return -Errno.EBADF;
            }

            if (_count == 0)
            {
                return -Errno.EAGAIN;
            }

            value = _semaphore ? 1 : _count;
            _count -= value;
            return 0;
        }
    }

    /// <summary>Waits until the counter is non-zero (readable), the timeout passes, or the eventfd is closed.</summary>
    /// <param name="timeout">
    /// How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits forever, other negative values count as zero.
    /// </param>
    /// <returns><see langword="true"/> when the counter is non-zero; <see langword="false"/> on timeout or when closed.</returns>
    /// <remarks>Does not drain the counter: follow it with <see cref="Read"/>.</remarks>
    // models poll(2) for POLLIN on the eventfd
    public bool Wait(TimeSpan timeout)
    {
        bool infinite = timeout == Timeout.InfiniteTimeSpan;
        long timeoutTicks = infinite ? 0 : Math.Max(0, timeout.Ticks);
        long start = Stopwatch.GetTimestamp();

        lock (_lock)
        {
            while (true)
            {
                if (_closed)
                {
                    return false;
                }

                if (_count != 0)
                {
                    return true;
                }

                int waitMs;
                if (infinite)
                {
                    waitMs = Timeout.Infinite;
                }
                else
                {
                    long remaining = timeoutTicks - Stopwatch.GetElapsedTime(start).Ticks;
                    if (remaining <= 0)
                    {
                        return false;
                    }

                    // One extra millisecond so a sub-millisecond remainder still waits rather than spinning (written to
                    // avoid overflow near TimeSpan.MaxValue); Monitor takes at most int.MaxValue.
                    waitMs = (int)Math.Min(int.MaxValue, (remaining / TimeSpan.TicksPerMillisecond) + 1);
                }

                Monitor.Wait(_lock, waitMs);
            }
        }
    }

    /// <summary>Releases the eventfd: wakes waiters; later reads and signals return <c>-EBADF</c>. Idempotent.</summary>
    // models eventfd_release() (the last reference to the file going away)
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
