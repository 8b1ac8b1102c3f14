// kind: bug
// needs: contracts
// ports: drivers/vfio/pci/vfio_pci_config.c vfio_exp_config_write() — seeded: memory_lock released before the FLR, so
//        the reset races a user BAR access that no longer faults on a zapped mmap
// fix: none — a seeded variant of Correct/VfioExpConfigWrite ("an access outside memory_lock")
// why: the hardware lock is named by [PtGuardedBy] on vdev.Pdev (issue 12: the runtime's hardware contracts), reached
//      through the device argument of the accessors or the pdev alias
namespace KernelCorpus.Cases;

public abstract class VfioExpConfigWriteResetAfterUnlockBug
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
                if (Vfio.MemoryEnabled(vdev))
                    VfioPciDmaBufMove(vdev, false);
                vdev.MemoryLock.UpWrite();
                vdev.Pdev.ResetFunction(); // <-- VPM0004
            }
        }

        // MPS is virtualized to the user, writes do not change the physical register; MRRS likewise (left out: no PM).
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
