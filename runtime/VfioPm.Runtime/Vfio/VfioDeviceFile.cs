using System;
using System.Threading;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

/// <summary>
/// An open file of a vfio device: <see cref="Ioctl"/>, <see cref="Read"/>/<see cref="Write"/> of regions,
/// <see cref="Mmap"/>, <see cref="Close"/>. Results are kernel-style (<c>-errno</c>); bad input never throws.
/// </summary>
public sealed class VfioDeviceFile
{
    private int _closed;

    internal VfioDeviceFile(VfioPciCoreDevice device, FileDescriptorTable fds)
    {
        Device = device;
        Fds = fds;
    }

    /// <summary>The device.</summary>
    public VfioPciCoreDevice Device { get; }

    /// <summary>The owning process's file descriptors (eventfds named in ioctls are resolved here).</summary>
    public FileDescriptorTable Fds { get; }

    /// <summary>True after <see cref="Close"/>.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// A device ioctl: resume-and-get first (a failure reaches the user as <c>-EIO</c>, with nothing to put), dispatch,
    /// then put on every path. While any ioctl runs the device cannot runtime-suspend, so a low-power entry from another
    /// file cannot pull it down underneath.
    /// </summary>
    /// <returns>The handler's result; <c>-EIO</c> if the device could not be resumed; <c>-ENOTTY</c> for an unknown command; <c>-EBADF</c> after close.</returns>
    /// <remarks>May sleep. Takes <c>memory_lock</c> inside handlers; the caller must not hold it.</remarks>
    // models vfio_device_fops_unl_ioctl()
    [ExcludesMemoryLock]
    public int Ioctl(uint cmd, Span<byte> arg)
    {
        if (IsClosed)
        {
            return -Errno.EBADF;
        }

        var ret = PmRuntimeGet();
        if (ret != 0)
        {
            return ret;
        }

        try
        {
            return cmd == VfioUapi.VFIO_DEVICE_FEATURE
                ? DeviceFeatureIoctl(arg)
                : Device.CoreIoctl(cmd, arg, Fds);
        }
        finally
        {
            PmRuntimePut();
        }
    }

    // models vfio_device_pm_runtime_get(): only for drivers with PM ops (vfio-pci always has them); any resume
    // error becomes -EIO — a raw -EINVAL from a latched runtime error would confuse a correctly formed ioctl.
    [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Zero)]
    private int PmRuntimeGet()
    {
        var power = Device.Pdev.Power;
        if (Device.Pdev.Driver is null)
        {
            return 0;
        }

        return power.ResumeAndGet() != 0 ? -Errno.EIO : 0;
    }

    // models vfio_device_pm_runtime_put(): async put; its result is ignored.
    [ReleasesPmReference]
    private void PmRuntimePut()
    {
        if (Device.Pdev.Driver is not null)
        {
            Device.Pdev.Power.Put();
        }
    }

    // models vfio_ioctl_device_feature(): the header rules (VfioDeviceFeatureCall.Parse, shared with the generated
    // dispatchers), the core-owned features (migration, DMA logging) -ENOTTY without their ops, the rest to
    // vfio-pci's feature op — the same path a generated variant driver falls back to (VfioPciCoreFallback).
    [RequiresPmReference]
    private int DeviceFeatureIoctl(Span<byte> arg)
    {
        var ret = VfioDeviceFeatureCall.Parse(arg, out var call);
        if (ret != 1)
        {
            return ret;
        }

        return call.IsCoreOwned ? -Errno.ENOTTY : Device.CoreIoctlFeature(call, Fds);
    }

    /// <summary>Reads a region at <paramref name="offset"/> (region index in the high bits).</summary>
    /// <returns>Bytes read; 0 for an empty buffer (no PM activity); <c>-EINVAL</c> for a bad index (checked before any PM call); <c>-EIO</c> if the device cannot be resumed or memory is disabled.</returns>
    /// <remarks>May sleep. The caller must not hold <c>memory_lock</c>.</remarks>
    // models vfio_pci_core_read()
    [ExcludesMemoryLock]
    public long Read(Span<byte> buffer, long offset)
    {
        if (IsClosed)
        {
            return -Errno.EBADF;
        }

        return buffer.IsEmpty ? 0 : Device.Rw(buffer, ReadOnlySpan<byte>.Empty, offset, isWrite: false);
    }

    /// <summary>Writes a region at <paramref name="offset"/> (region index in the high bits).</summary>
    /// <returns>Bytes written, or as <see cref="Read"/>.</returns>
    /// <remarks>May sleep. The caller must not hold <c>memory_lock</c>.</remarks>
    // models vfio_pci_core_write()
    [ExcludesMemoryLock]
    public long Write(ReadOnlySpan<byte> buffer, long offset)
    {
        if (IsClosed)
        {
            return -Errno.EBADF;
        }

        return buffer.IsEmpty ? 0 : Device.Rw(Span<byte>.Empty, buffer, offset, isWrite: true);
    }

    /// <summary>Maps a BAR. Accesses through the mapping bypass runtime PM; they fault with SIGBUS while low power is engaged or memory is disabled.</summary>
    /// <returns>0, or <c>-EINVAL</c> for a region that is not an implemented memory BAR.</returns>
    // models vfio_pci_core_mmap()
    public int Mmap(int regionIndex, out VfioMmap? map)
    {
        map = null;
        return IsClosed ? -Errno.EBADF : Device.Mmap(regionIndex, out map);
    }

    /// <summary>Closes the file; the last close of the device disables it (exit low power, resume, reset, drop the open reference).</summary>
    /// <remarks>May sleep.</remarks>
    // models vfio_device_fops_release()
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Device.Release();
        }
    }
}
