// kind: correct
// needs: engine
// ports: drivers/vfio/pci/vfio_pci_core.c vfio_pci_mmap_fault() (6.1–6.9 form, vma_lock not modelled)
namespace KernelCorpus.Cases;

public static class VfioPciMmapFaultPort
{
    public const int VmFaultNoPage = 0x100;
    public const int VmFaultSigbus = 0x2;
    public const int VmFaultOom = 0x1;

    public static int VfioPciMmapFault(CoreDevice vdev, List<object> vmaList, object vma)
    {
        int ret = VmFaultNoPage;

        vdev.MemoryLock.DownRead();

        // Memory region cannot be accessed if the low power feature is engaged or memory access is disabled.
        if (vdev.PmRuntimeEngaged || !Vfio.MemoryEnabled(vdev))
        {
            ret = VmFaultSigbus;
            goto up_out;
        }

        // We populate the whole vma on fault: a concurrent fault may have mapped it already.
        foreach (var mapped in vmaList)
        {
            if (mapped == vma)
                goto up_out;
        }

        if (Sys.Step("io_remap_pfn_range") != 0)
        {
            ret = VmFaultSigbus;
            goto up_out;
        }

        if (Sys.Step("__vfio_pci_add_vma") != 0)
            ret = VmFaultOom;
        else
            vmaList.Add(vma);

    up_out:
        vdev.MemoryLock.UpRead();
        return ret;
    }
}
