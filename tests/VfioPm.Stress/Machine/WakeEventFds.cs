using System.Collections.Generic;
using System.Threading;
using VfioPm.Runtime.Vfio;
using VfioPm.Stress.Invariants;

namespace VfioPm.Stress.Machine;

/// <summary>
/// The wake-up eventfds a device's users armed with LOW_POWER_ENTRY_WITH_WAKEUP. Every entry gets a fresh eventfd, so
/// "signalled at most once per entry" is "each eventfd signalled at most once"; one whose entry failed must never be
/// signalled at all. A few stay open (the user may close them before the wake); older ones are closed.
/// </summary>
public sealed class WakeEventFds
{
    private const int MaxOpen = 4;
    private readonly FileDescriptorTable _fds;
    private readonly InvariantMonitor _monitor;
    private readonly string _device;
    private readonly List<Armed> _open = new();

    /// <summary>Creates the set for <paramref name="device"/>'s users, installing eventfds in <paramref name="fds"/>.</summary>
    public WakeEventFds(FileDescriptorTable fds, InvariantMonitor monitor, string device)
    {
        _fds = fds;
        _monitor = monitor;
        _device = device;
    }

    /// <summary>How many armed eventfds are still open.</summary>
    public int OpenCount
    {
        get
        {
            lock (_open)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Installs a fresh eventfd whose every signal is counted.</summary>
    public Armed Create()
    {
        var efd = new EventFd();
        var armed = new Armed(_fds.Install(efd), efd);
        efd.Signaled += (_, _) =>
        {
            if (armed.AddSignal() > 1)
            {
                _monitor.Report("wake eventfd signalled at most once per entry", $"{_device}: eventfd {armed.Fd} signalled {armed.Signals} times");
            }
        };
        return armed;
    }

    /// <summary>Records the outcome of the entry that used <paramref name="armed"/>: kept if it armed, else closed and checked silent.</summary>
    public void Settle(Armed armed, bool entryArmedIt)
    {
        if (!entryArmedIt)
        {
            Close(armed, mustBeSilent: true);
            return;
        }

        Armed? evicted = null;
        lock (_open)
        {
            _open.Add(armed);
            if (_open.Count > MaxOpen)
            {
                evicted = _open[0];
                _open.RemoveAt(0);
            }
        }

        if (evicted is not null)
        {
            Close(evicted, mustBeSilent: false);
        }
    }

    /// <summary>The user closes one armed eventfd (chosen by <paramref name="pick"/>) before its wake; false if none is open.</summary>
    public bool CloseOne(int pick)
    {
        Armed armed;
        lock (_open)
        {
            if (_open.Count == 0)
            {
                return false;
            }

            armed = _open[pick % _open.Count];
            _open.Remove(armed);
        }

        Close(armed, mustBeSilent: false);
        return true;
    }

    /// <summary>Closes every armed eventfd.</summary>
    public void CloseAll()
    {
        while (CloseOne(0))
        {
        }
    }

    private void Close(Armed armed, bool mustBeSilent)
    {
        _fds.Close(armed.Fd);
        if (mustBeSilent && armed.Signals != 0)
        {
            _monitor.Report("wake eventfd signalled at most once per entry", $"{_device}: eventfd {armed.Fd} of a refused entry was signalled");
        }
    }

    /// <summary>One eventfd handed to an entry, with its signal count.</summary>
    public sealed class Armed
    {
        private int _signals;

        internal Armed(int fd, EventFd efd)
        {
            Fd = fd;
            EventFd = efd;
        }

        /// <summary>The descriptor passed to the ioctl.</summary>
        public int Fd { get; }

        /// <summary>The eventfd.</summary>
        public EventFd EventFd { get; }

        /// <summary>Signals seen.</summary>
        public int Signals => Volatile.Read(ref _signals);

        internal int AddSignal() => Interlocked.Increment(ref _signals);
    }
}
