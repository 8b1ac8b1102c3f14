namespace KernelCorpus.Prelude;

/// <summary>
/// Kernel helpers the ports call, as stubs with the contracts a driver author would give them. PCI accessors that touch
/// the function declare [DeviceAccess(LockFree = true)] (a runtime-PM reference, no memory_lock: config space);
/// the BAR/region paths need the reference their callers hold.
/// </summary>
public static class Pci
{
    public const int Command = 0x04;
    public const int CommandMemory = 0x2;
    public const int CommandIntxDisable = 0x400;

    /// <summary>pci_read_config_word().</summary>
    [DeviceAccess(LockFree = true)]
    public static ushort ReadConfigWord(PciDevice pdev, int offset) => 0;

    /// <summary>pci_write_config_word().</summary>
    [DeviceAccess(LockFree = true)]
    public static void WriteConfigWord(PciDevice pdev, int offset, ushort value) { }

    /// <summary>pci_enable_device().</summary>
    public static int EnableDevice(PciDevice pdev) => 0;

    /// <summary>pci_disable_device().</summary>
    public static void DisableDevice(PciDevice pdev) { }

    /// <summary>pci_clear_master().</summary>
    public static void ClearMaster(PciDevice pdev) { }

    /// <summary>pci_try_reset_function(): 0, -EAGAIN on device-lock contention, or another errno.</summary>
    public static int TryResetFunction(PciDevice pdev) => 0;

    /// <summary>pci_save_state() + pci_store_saved_state().</summary>
    public static byte[]? StoreSavedState(PciDevice pdev) => Array.Empty<byte>();

    /// <summary>pci_load_and_free_saved_state() + pci_restore_state().</summary>
    public static int RestoreSavedState(PciDevice pdev, byte[]? state) => 0;

    /// <summary>pci_reset_bus().</summary>
    public static int ResetBus(PciDevice pdev) => 0;

    /// <summary>pci_num_vf().</summary>
    public static int NumVf(PciDevice pdev) => pdev.NumVfs;

    /// <summary>pci_enable_sriov(): probes the VF drivers.</summary>
    public static int EnableSriov(PciDevice pdev, int numVfs) => 0;

    /// <summary>pci_disable_sriov().</summary>
    public static void DisableSriov(PciDevice pdev) { }

    /// <summary>pci_intx(pdev, 0) / pci_intx_mask_supported().</summary>
    public static bool IntxMaskSupported(PciDevice pdev) => true;

    /// <summary>pci_dev_trylock() / pci_dev_unlock().</summary>
    public static bool DevTrylock(PciDevice pdev) => true;

    public static void DevUnlock(PciDevice pdev) { }

    /// <summary>__pci_reset_function_locked().</summary>
    public static int ResetFunctionLocked(PciDevice pdev) => 0;
}

/// <summary>The vfio-pci internals the PM paths call (vfio_pci_core.c, vfio_pci_intrs.c, vfio_pci_config.c, vfio_pci_rdwr.c).</summary>
public static class Vfio
{
    public const int IntxIrqIndex = 0;

    /// <summary>vfio_pci_set_power_state(): -EBUSY for a PF with VFs below D0.</summary>
    public static int SetPowerState(CoreDevice vdev, PciPowerState state) => 0;

    /// <summary>vfio_pci_zap_and_down_write_memory_lock().</summary>
    [AcquiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    public static void ZapAndDownWriteMemoryLock(CoreDevice vdev) => vdev.MemoryLock.DownWrite();

    /// <summary>__vfio_pci_memory_enabled(): caller holds memory_lock.</summary>
    [RequiresMemoryLock(MemoryLockMode.Shared, Lock = "vdev.MemoryLock")]
    public static bool MemoryEnabled(CoreDevice vdev) => true;

    /// <summary>vfio_pci_intx_mask(): true when this call masked INTx.</summary>
    public static bool IntxMask(CoreDevice vdev) => false;

    /// <summary>vfio_pci_intx_unmask().</summary>
    public static void IntxUnmask(CoreDevice vdev) { }

    /// <summary>vfio_pci_config_rw(): runs inside vfio_pci_rw's runtime-PM bracket.</summary>
    [RequiresPmReference]
    public static int ConfigRw(CoreDevice vdev, Span<byte> buf, long pos, bool isWrite) => buf.Length;

    /// <summary>vfio_pci_bar_rw(): takes memory_lock for read itself; needs the device resumed.</summary>
    [RequiresPmReference]
    public static int BarRw(CoreDevice vdev, Span<byte> buf, long pos, bool isWrite) => buf.Length;

    /// <summary>vfio_pci_vga_rw().</summary>
    [RequiresPmReference]
    public static int VgaRw(CoreDevice vdev, Span<byte> buf, long pos, bool isWrite) => buf.Length;

    /// <summary>A device-specific region's ops->rw.</summary>
    [RequiresPmReference]
    public static int RegionRw(CoreDevice vdev, int index, Span<byte> buf, long pos, bool isWrite) => buf.Length;

    /// <summary>vfio_check_feature(): 1 to go on, 0 for PROBE, -EINVAL.</summary>
    public static int CheckFeature(uint flags, int argsz, uint supportedOps, int minsz) => 1;

    /// <summary>vfio_pci_zdev_open_device() / vfio_config_init() / vfio_pci_vf_init() / vfio_pci_vga_init(): 0 or -errno.</summary>
    public static int InitStep(CoreDevice vdev, string step) => 0;

    /// <summary>The matching teardown of <see cref="InitStep"/>.</summary>
    public static void UninitStep(CoreDevice vdev, string step) { }

    /// <summary>vfio_register_group_dev().</summary>
    public static int RegisterGroupDev(CoreDevice vdev) => 0;

    /// <summary>vfio_unregister_group_dev(): waits for every user to close.</summary>
    public static void UnregisterGroupDev(CoreDevice vdev) { }

    /// <summary>vfio_pci_dev_set_resettable(): the pci_dev to reset, or null.</summary>
    public static PciDevice? DevSetResettable(CoreDeviceSet devSet) => devSet.Devices.Count > 0 ? devSet.Devices[0].Pdev : null;

    /// <summary>eventfd_ctx_fdget(): a counted context, or null (PTR_ERR -EBADF).</summary>
    public static EventFdCtx? EventFdCtxFdGet(int fd) => fd >= 0 ? new EventFdCtx() : null;

    /// <summary>eventfd_ctx_put().</summary>
    public static void EventFdCtxPut(EventFdCtx ctx) { }

    /// <summary>eventfd_signal().</summary>
    public static void EventFdSignal(EventFdCtx ctx) { }

    /// <summary>The vfio_pci_sriov_pfs list and its mutex.</summary>
    public static readonly object SriovPfsMutex = new();
}

/// <summary>Module parameters: writable at runtime (0644) until 2026 latched disable_idle_d3 per device.</summary>
public static class ModuleParams
{
    /// <summary>vfio-pci's disable_idle_d3 as a global (6.1 to 2025).</summary>
    public static bool DisableIdleD3;
}

/// <summary>Other kernel services the driver ports call: user copies, register access of non-PCI devices.</summary>
public static class Sys
{
    /// <summary>copy_to_user()/copy_from_user(): bytes not copied (0 on success).</summary>
    public static int CopyUser(Span<byte> to, int length) => 0;

    /// <summary>A register read of a platform device's MMIO (needs the device powered).</summary>
    [DeviceAccess(LockFree = true)]
    public static int ReadReg(Device dev, int reg) => 0;

    /// <summary>A register write of a platform device's MMIO (needs the device powered).</summary>
    [DeviceAccess(LockFree = true)]
    public static void WriteReg(Device dev, int reg, int value) { }

    /// <summary>An operation that can fail with -errno (a bus transfer, a firmware command, an allocation).</summary>
    public static int Step(string what) => 0;

    /// <summary>test_and_set_bit() on a driver flag word.</summary>
    public static bool TestAndSetBit(ref int word, int bit)
    {
        var old = (word >> bit) & 1;
        word |= 1 << bit;
        return old != 0;
    }
}
