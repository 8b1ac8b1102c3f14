using System.Collections.Generic;
using System.Threading;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Machine;

/// <summary>
/// A place for one open file of a device, shared by the worker threads. Operations on the file hold the slot shared,
/// the way a system call holds a file reference (<c>fdget</c>): close waits for them, so it never pulls a file out from
/// under an ioctl in flight — the kernel's release runs only after the last reference is gone.
/// </summary>
public sealed class FileSlot
{
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly List<VfioMmap> _maps = new();
    private VfioDeviceFile? _file;

    /// <summary>The most mappings a slot keeps; more mmaps unmap the oldest first.</summary>
    public const int MaxMaps = 2;

    /// <summary>The open file, or <see langword="null"/> (racy read-out for dumps).</summary>
    public VfioDeviceFile? File => Volatile.Read(ref _file);

    /// <summary>Takes a shared hold if a file is open; <see cref="ExitShared"/> releases it.</summary>
    public bool TryEnterShared(out VfioDeviceFile file)
    {
        _gate.EnterReadLock();
        var f = Volatile.Read(ref _file);
        if (f is null)
        {
            _gate.ExitReadLock();
            file = null!;
            return false;
        }

        file = f;
        return true;
    }

    /// <summary>Releases a shared hold.</summary>
    public void ExitShared() => _gate.ExitReadLock();

    /// <summary>Takes the slot exclusively (open, close).</summary>
    public void EnterExclusive() => _gate.EnterWriteLock();

    /// <summary>Releases the exclusive hold.</summary>
    public void ExitExclusive() => _gate.ExitWriteLock();

    /// <summary>Sets the file; caller holds the slot exclusively.</summary>
    public void SetFile(VfioDeviceFile? file) => Volatile.Write(ref _file, file);

    /// <summary>Adds a mapping; returns the one it displaced (to unmap), if any.</summary>
    public VfioMmap? AddMap(VfioMmap map)
    {
        lock (_maps)
        {
            _maps.Add(map);
            if (_maps.Count <= MaxMaps)
            {
                return null;
            }

            var oldest = _maps[0];
            _maps.RemoveAt(0);
            return oldest;
        }
    }

    /// <summary>The current mappings.</summary>
    public VfioMmap[] Maps()
    {
        lock (_maps)
        {
            return _maps.ToArray();
        }
    }

    /// <summary>Removes and returns every mapping (before close).</summary>
    public VfioMmap[] TakeMaps()
    {
        lock (_maps)
        {
            var all = _maps.ToArray();
            _maps.Clear();
            return all;
        }
    }
}
