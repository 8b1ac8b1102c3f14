// kind: correct
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_exp_config_write() and vfio_af_config_write() — an emulated FLR: mmaps
//        zapped and memory_lock taken for write, dma-bufs revoked, the function reset, dma-bufs restored only when
//        memory decode survived the reset, the lock released
// why: the hardware lock is named by [PtGuardedBy] on vdev.Pdev (issue 12: the runtime's hardware contracts), reached
//      through the device argument of the accessors or the pdev alias
namespace KernelCorpus.Cases;

public abstract class VfioExpConfigWritePort
{
    private const int PciExpDevctl = 8;
    private const int PciExpDevcap = 4;
    private const ushort PciExpDevctlBcrFlr = 0x8000;
    private const uint PciExpDevcapFlr = 0x10000000;
    private const int PciAfCap = 3;
    private const int PciAfCtrl = 4;
    private const byte PciAfCtrlFlr = 0x01;
    private const byte PciAfCapFlr = 0x02;
    private const byte PciAfCapTp = 0x01;

    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioExpConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val)
    {
        ushort ctrl;

        count = VfioDefaultConfigWrite(vdev, pos, count, offset, val);
        if (count < 0)
            return count;

        // The FLR bit is virtualized; if set, do the FLR here and clear it.
        ctrl = VconfigRead16(vdev, pos - offset + PciExpDevctl);
        if ((ctrl & PciExpDevctlBcrFlr) != 0)
        {
            uint cap;
            int ret;

            VconfigWrite16(vdev, pos - offset + PciExpDevctl, (ushort)(ctrl & ~PciExpDevctlBcrFlr));

            ret = PciUserReadConfigDword(vdev.Pdev, pos - offset + PciExpDevcap, out cap);

            if (ret == 0 && (cap & PciExpDevcapFlr) != 0)
            {
                Vfio.ZapAndDownWriteMemoryLock(vdev);
                VfioPciDmaBufMove(vdev, true);
                vdev.Pdev.ResetFunction(); // pci_try_reset_function()
                if (Vfio.MemoryEnabled(vdev))
                    VfioPciDmaBufMove(vdev, false);
                vdev.MemoryLock.UpWrite();
            }
        }

        // MPS is virtualized to the user, writes do not change the physical register; MRRS likewise (left out: no PM).
        return count;
    }

    [RequiresPmReference("vdev.Pdev.Power")]
    public int VfioAfConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val)
    {
        byte ctrl;

        count = VfioDefaultConfigWrite(vdev, pos, count, offset, val);
        if (count < 0)
            return count;

        ctrl = VconfigRead8(vdev, pos - offset + PciAfCtrl);
        if ((ctrl & PciAfCtrlFlr) != 0)
        {
            byte cap;
            int ret;

            VconfigWrite8(vdev, pos - offset + PciAfCtrl, (byte)(ctrl & ~PciAfCtrlFlr));

            ret = PciUserReadConfigByte(vdev.Pdev, pos - offset + PciAfCap, out cap);

            if (ret == 0 && (cap & PciAfCapFlr) != 0 && (cap & PciAfCapTp) != 0)
            {
                Vfio.ZapAndDownWriteMemoryLock(vdev);
                VfioPciDmaBufMove(vdev, true);
                vdev.Pdev.ResetFunction(); // pci_try_reset_function()
                if (Vfio.MemoryEnabled(vdev))
                    VfioPciDmaBufMove(vdev, false);
                vdev.MemoryLock.UpWrite();
            }
        }

        return count;
    }

    protected abstract int VfioDefaultConfigWrite(CoreDevice vdev, int pos, int count, int offset, uint val);

    protected abstract ushort VconfigRead16(CoreDevice vdev, int offset);

    protected abstract void VconfigWrite16(CoreDevice vdev, int offset, ushort value);

    protected abstract byte VconfigRead8(CoreDevice vdev, int offset);

    protected abstract void VconfigWrite8(CoreDevice vdev, int offset, byte value);

    // vfio_pci_dma_buf_move(): revokes (or restores) the dma-bufs exported from the BARs; caller holds memory_lock for write.
    [RequiresMemoryLock(MemoryLockMode.Exclusive, Lock = "vdev.MemoryLock")]
    protected abstract void VfioPciDmaBufMove(CoreDevice vdev, bool revoked);

    // pci_user_read_config_dword(): config space, no memory_lock.
    [DeviceAccess(LockFree = true)]
    protected abstract int PciUserReadConfigDword(PciDevice pdev, int where, out uint value);

    [DeviceAccess(LockFree = true)]
    protected abstract int PciUserReadConfigByte(PciDevice pdev, int where, out byte value);
}
