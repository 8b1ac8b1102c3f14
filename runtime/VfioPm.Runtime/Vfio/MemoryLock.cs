using System;
using System.Collections.Generic;
using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// <c>memory_lock</c>: a reader-writer semaphore (<c>struct rw_semaphore</c>) that serializes memory enable and power
/// state changes (write) against BAR access and mmap faults (read). Not recursive; waiting writers hold off new
/// readers, as rwsem does. Owners are tracked so misuse is caught where lockdep would catch it: re-acquiring a lock the
/// thread already holds (a self-deadlock) or releasing one it does not hold throws <see cref="LockRecursionException"/>
/// / <see cref="SynchronizationLockException"/> — programming errors, not runtime conditions.
/// </summary>
public sealed class MemoryLock
{
    private readonly object _gate = new();
    private readonly Dictionary<Thread, int> _readers = new();
    private Thread? _writer;
    private int _waitingWriters;

    /// <summary>Creates the lock; <paramref name="name"/> appears in diagnostics.</summary>
    public MemoryLock(string name = "memory_lock") => Name = name;

    /// <summary>The lock's name.</summary>
    public string Name { get; }

    /// <summary>True when the calling thread holds the lock for write.</summary>
    public bool IsWriteHeldByCurrentThread
    {
        get
        {
            lock (_gate)
            {
                return _writer == Thread.CurrentThread;
            }
        }
    }

    /// <summary>True when the calling thread holds the lock for read.</summary>
    public bool IsReadHeldByCurrentThread
    {
        get
        {
            lock (_gate)
            {
                return _readers.ContainsKey(Thread.CurrentThread);
            }
        }
    }

    /// <summary>True when the calling thread holds the lock in either mode (<c>lockdep_is_held</c>).</summary>
    public bool IsHeldByCurrentThread => IsWriteHeldByCurrentThread || IsReadHeldByCurrentThread;

    /// <summary>True when any thread holds the lock for write.</summary>
    public bool IsWriteLocked
    {
        get
        {
            lock (_gate)
            {
                return _writer is not null;
            }
        }
    }

    /// <summary>Number of threads holding the lock for read.</summary>
    public int ReaderCount
    {
        get
        {
            lock (_gate)
            {
                return _readers.Count;
            }
        }
    }

    /// <summary>Takes the lock for read, waiting for a writer (and for queued writers) to finish.</summary>
    // models down_read()
    [AcquiresMemoryLock(MemoryLockMode.Shared)]
    public void DownRead()
    {
        lock (_gate)
        {
            CheckNotHeld();
            while (_writer is not null || _waitingWriters > 0)
            {
                Monitor.Wait(_gate);
            }

            _readers.Add(Thread.CurrentThread, 1);
        }
    }

    /// <summary>Takes the lock for read if that needs no waiting.</summary>
    /// <returns>True when taken.</returns>
    // models down_read_trylock()
    [AcquiresMemoryLock(MemoryLockMode.Shared)]
    public bool DownReadTrylock()
    {
        lock (_gate)
        {
            CheckNotHeld();
            if (_writer is not null || _waitingWriters > 0)
            {
                return false;
            }

            _readers.Add(Thread.CurrentThread, 1);
            return true;
        }
    }

    /// <summary>Releases a read hold of the calling thread.</summary>
    // models up_read()
    [ReleasesMemoryLock]
    public void UpRead()
    {
        lock (_gate)
        {
            if (!_readers.Remove(Thread.CurrentThread))
            {
                throw new SynchronizationLockException($"{Name}: up_read by a thread that does not hold it for read");
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Takes the lock for write, waiting for every holder to leave.</summary>
    // models down_write()
    [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
    public void DownWrite()
    {
        lock (_gate)
        {
            CheckNotHeld();
            _waitingWriters++;
            try
            {
                while (_writer is not null || _readers.Count > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                _waitingWriters--;
            }

            _writer = Thread.CurrentThread;
        }
    }

    /// <summary>Takes the lock for write if nobody holds it.</summary>
    /// <returns>True when taken.</returns>
    // models down_write_trylock()
    [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
    public bool DownWriteTrylock()
    {
        lock (_gate)
        {
            CheckNotHeld();
            if (_writer is not null || _readers.Count > 0)
            {
                return false;
            }

            _writer = Thread.CurrentThread;
            return true;
        }
    }

    /// <summary>Releases the calling thread's write hold.</summary>
    // models up_write()
    [ReleasesMemoryLock]
    public void UpWrite()
    {
        lock (_gate)
        {
            if (_writer != Thread.CurrentThread)
            {
                throw new SynchronizationLockException($"{Name}: up_write by a thread that does not hold it for write");
            }

            _writer = null;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Takes the lock for read until the scope is disposed: <c>using (dev.MemoryLock.ReadLock()) { ... }</c>.</summary>
    [AcquiresMemoryLock(MemoryLockMode.Shared)]
    public ReadScope ReadLock()
    {
        DownRead();
        return new ReadScope(this);
    }

    /// <summary>Takes the lock for write until the scope is disposed: <c>using (dev.MemoryLock.WriteLock()) { ... }</c>.</summary>
    [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
    public WriteScope WriteLock()
    {
        DownWrite();
        return new WriteScope(this);
    }

    /// <summary>Throws unless the calling thread holds the lock for write (<c>lockdep_assert_held_write</c>).</summary>
    public void AssertWriteHeld()
    {
        if (!IsWriteHeldByCurrentThread)
        {
            throw new SynchronizationLockException($"{Name} must be held for write here");
        }
    }

    private void CheckNotHeld()
    {
        if (_writer == Thread.CurrentThread || _readers.ContainsKey(Thread.CurrentThread))
        {
            throw new LockRecursionException($"{Name}: recursive acquisition by the same thread would deadlock");
        }
    }

    /// <summary>A read hold released by <see cref="Dispose"/>.</summary>
    public ref struct ReadScope
    {
        private MemoryLock? _lock;

        internal ReadScope(MemoryLock @lock) => _lock = @lock;

        /// <summary>Releases the read hold (once).</summary>
        [ReleasesMemoryLock]
        public void Dispose()
        {
            var held = _lock;
            _lock = null;
            held?.UpRead();
        }
    }

    /// <summary>A write hold released by <see cref="Dispose"/>.</summary>
    public ref struct WriteScope
    {
        private MemoryLock? _lock;

        internal WriteScope(MemoryLock @lock) => _lock = @lock;

        /// <summary>Releases the write hold (once).</summary>
        [ReleasesMemoryLock]
        public void Dispose()
        {
            var held = _lock;
            _lock = null;
            held?.UpWrite();
        }
    }
}
