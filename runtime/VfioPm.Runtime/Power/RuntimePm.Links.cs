using System.Threading;

namespace VfioPm.Runtime.Power;

// Device-link supplier handling around the consumer's callbacks (spec §4.15). Only DL_FLAG_PM_RUNTIME links are
// touched: a link without the flag never resumes, releases or idles its supplier.
public sealed partial class RuntimePm
{
    /// <summary>PM-runtime supplier links of this device as a consumer (<c>links_count</c>).</summary>
    public int LinksCount => Volatile.Read(ref _linksCount);

    // models pm_runtime_new_link().
    internal void NewLink() => Interlocked.Increment(ref _linksCount);

    // models pm_runtime_drop_link_count().
    internal void DropLink() => DecrementUnlessZero(ref _linksCount);

    // models rpm_get_suppliers(): get_sync every PM-runtime supplier; stop at the first real failure.
    // Called without the power lock.
    private int GetSuppliers()
    {
        foreach (var link in _device.SupplierLinks)
        {
            if (!link.IsPmRuntime)
            {
                continue;
            }

            var ret = link.GetSupplier();
            if (ret < 0)
            {
                return ret;
            }
        }

        return 0;
    }

    // models __rpm_put_suppliers(): release every reference taken through the links, optionally idling suppliers.
    // Called without the power lock.
    private void PutSuppliers(bool tryToSuspend)
    {
        foreach (var link in _device.SupplierLinks)
        {
            if (!link.IsPmRuntime)
            {
                continue;
            }

            link.ReleaseSupplier();
            if (tryToSuspend)
            {
                link.Supplier.Power.RequestIdle();
            }
        }
    }

    // models rpm_suspend_suppliers(): after the consumer suspended, let its PM-runtime suppliers idle.
    // Called without the power lock.
    private void SuspendSuppliers()
    {
        foreach (var link in _device.SupplierLinks)
        {
            if (link.IsPmRuntime)
            {
                link.Supplier.Power.RequestIdle();
            }
        }
    }
}
