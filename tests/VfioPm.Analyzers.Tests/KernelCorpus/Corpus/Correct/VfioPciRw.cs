// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_rw() — region read/write bracketed by resume_and_get/put
namespace KernelCorpus.Cases;

public static class VfioPciRwPort
{
    public static int VfioPciRw(CoreDevice vdev, Span<byte> buf, long pos, bool isWrite)
    {
        var index = VfioUapi.RegionIndex(pos);
        int ret;

        if (index >= VfioUapi.VFIO_PCI_NUM_REGIONS + vdev.NumRegions)
            return -Errno.EINVAL;

        ret = vdev.Pdev.Power.ResumeAndGet();
        if (ret != 0)
        {
            // pci_info_ratelimited(pdev, "runtime resume failed %d\n", ret)
            return -Errno.EIO;
        }

        switch (index)
        {
            case VfioUapi.VFIO_PCI_CONFIG_REGION_INDEX:
                ret = Vfio.ConfigRw(vdev, buf, pos, isWrite);
                break;

            case VfioUapi.VFIO_PCI_ROM_REGION_INDEX:
                if (isWrite)
                    ret = -Errno.EINVAL;
                else
                    ret = Vfio.BarRw(vdev, buf, pos, false);
                break;

            case >= 0 and <= 5:
                ret = Vfio.BarRw(vdev, buf, pos, isWrite);
                break;

            case VfioUapi.VFIO_PCI_VGA_REGION_INDEX:
                ret = Vfio.VgaRw(vdev, buf, pos, isWrite);
                break;

            default:
                index -= VfioUapi.VFIO_PCI_NUM_REGIONS;
                ret = Vfio.RegionRw(vdev, index, buf, pos, isWrite);
                break;
        }

        vdev.Pdev.Power.Put();
        return ret;
    }
}
