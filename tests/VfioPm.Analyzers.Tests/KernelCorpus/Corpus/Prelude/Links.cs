namespace KernelCorpus.Prelude;

/// <summary>
/// struct device_link (include/linux/device.h), the runtime-PM part: rpm_active counts the supplier references the link
/// holds, plus one; supplier_preactivated marks the reference pm_runtime_get_suppliers() took for a probe.
/// </summary>
public sealed class LinkPort
{
    public LinkPort(Device supplier, bool pmRuntime)
    {
        Supplier = supplier;
        PmRuntime = pmRuntime;
    }

    public Device Supplier { get; }

    /// <summary>DL_FLAG_PM_RUNTIME, fixed when the link is made.</summary>
    public bool PmRuntime { get; }

    /// <summary>refcount_t rpm_active, starting at 1: each unit above it is one supplier reference the link owns.</summary>
    [OwnsPmReference(nameof(Supplier), Counted = true)]
    public int RpmActive = 1;

    [OwnsPmReference(nameof(Supplier))]
    public bool SupplierPreactivated;

    /// <summary>refcount_dec_not_one(): decrements unless the count is 1; true when it decremented, handing one supplier reference back.</summary>
    [AcquiresPmReference(nameof(Supplier), OnSuccess = true)]
    public bool RpmActiveDecNotOne()
    {
        if (RpmActive == 1)
            return false;
        RpmActive--;
        return true;
    }
}

/// <summary>A consumer device with its supplier links (dev->links.suppliers) and its runtime-PM flags.</summary>
public sealed class ConsumerPort
{
    public ConsumerPort(Device dev) => Dev = dev;

    public Device Dev { get; }

    public List<LinkPort> Suppliers { get; } = new();

    /// <summary>dev->power.runtime_auto: false while user space (or the PCI core) forbids runtime PM.</summary>
    [ForgoesPmReference(nameof(Dev))]
    public bool RuntimeAuto;

    /// <summary>dev->power.links_count.</summary>
    public int LinksCount;
}
