using System;
using System.Threading;

namespace VfioPm.Runtime.Vfio;

/// <summary>What a CPU access to an mmap'ed BAR ended in.</summary>
public enum MmapAccess
{
    /// <summary>The access reached the device (possibly after a fault that mapped it).</summary>
    Ok = 0,

    /// <summary>The fault handler refused the mapping: the user process gets SIGBUS.</summary>
    SigBus = 1,

    /// <summary>The mapping was unmapped (<see cref="VfioMmap.Unmap"/>): the address is no longer mapped, SIGSEGV.</summary>
    SigSegv = 2,
}

/// <summary>
/// A user mapping of a BAR (<c>mmap</c> on the device file). Accesses through a live mapping go straight to the device
/// with no runtime-PM reference and no lock, like CPU loads and stores; a zapped mapping faults, and the fault handler
/// maps it again only if memory is enabled and low power is not engaged, otherwise SIGBUS.
/// </summary>
public sealed class VfioMmap
{
    private readonly VfioPciCoreDevice _vdev;
    private readonly object _pte = new();
    private bool _mapped;
    private bool _unmapped;
    private int _faults;
    private int _sigbus;

    internal VfioMmap(VfioPciCoreDevice vdev, int bar)
    {
        _vdev = vdev;
        Bar = bar;
    }

    /// <summary>The BAR mapped.</summary>
    public int Bar { get; }

    /// <summary>Whether pages are currently mapped (false after a zap until the next successful fault).</summary>
    public bool IsMapped
    {
        get
        {
            lock (_pte)
            {
                return _mapped;
            }
        }
    }

    /// <summary>Whether <see cref="Unmap"/> has run.</summary>
    public bool IsUnmapped
    {
        get
        {
            lock (_pte)
            {
                return _unmapped;
            }
        }
    }

    /// <summary>Faults taken so far.</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>Faults that ended in SIGBUS.</summary>
    public int SigBusCount => Volatile.Read(ref _sigbus);

    /// <summary>A CPU load from the mapping.</summary>
    public MmapAccess Read(long offset, Span<byte> buffer)
    {
        lock (_pte)
        {
            if (_unmapped)
            {
                return MmapAccess.SigSegv;
            }

            if (_mapped)
            {
                _vdev.Pdev.CpuLoad(Bar, offset, buffer);
                return MmapAccess.Ok;
            }
        }

        if (!Fault())
        {
            return MmapAccess.SigBus;
        }

        return Read(offset, buffer);
    }

    /// <summary>A CPU store to the mapping.</summary>
    public MmapAccess Write(long offset, ReadOnlySpan<byte> data)
    {
        lock (_pte)
        {
            if (_unmapped)
            {
                return MmapAccess.SigSegv;
            }

            if (_mapped)
            {
                _vdev.Pdev.CpuStore(Bar, offset, data);
                return MmapAccess.Ok;
            }
        }

        if (!Fault())
        {
            return MmapAccess.SigBus;
        }

        return Write(offset, data);
    }

    // models vfio_pci_mmap_huge_fault() (6.10+): under memory_lock read, engaged or memory disabled → SIGBUS;
    // no resume is ever attempted. Lock order: memory_lock → page-table lock (zap takes them the same way).
    private bool Fault()
    {
        Interlocked.Increment(ref _faults);
        using (_vdev.MemoryLock.ReadLock())
        {
            if (_vdev.PmRuntimeEngaged || !_vdev.MemoryEnabled)
            {
                Interlocked.Increment(ref _sigbus);
                return false;
            }

            lock (_pte)
            {
                // An access racing munmap may fault after it: the mapping stays gone and the retry sees SIGSEGV.
                _mapped = !_unmapped;
            }

            return true;
        }
    }

    /// <summary>
    /// munmap(): the mapping goes away and the device stops tracking it (so zaps no longer visit it); later accesses
    /// through it get <see cref="MmapAccess.SigSegv"/>. Idempotent.
    /// </summary>
    // models munmap() -> the vma's close (vfio_pci_mmap_close() while vma_list existed)
    public void Unmap()
    {
        lock (_pte)
        {
            if (_unmapped)
            {
                return;
            }

            _unmapped = true;
            _mapped = false;
        }

        _vdev.ForgetMmap(this);
    }

    // unmap_mapping_range() for this mapping. Caller holds memory_lock for write.
    internal void Zap()
    {
        lock (_pte)
        {
            _mapped = false;
        }
    }
}
