// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c rpm_get_suppliers()
// why: each supplier reference is handed to its link's rpm_active count; -EACCES (runtime PM disabled) keeps the
//      get_sync reference and counts it (issue 12: ownership held by object state; issue 11 §1: exact errno)
namespace KernelCorpus.Cases;

public static class RpmGetSuppliersPort
{
    public static int RpmGetSuppliers(ConsumerPort dev)
    {
        foreach (var link in dev.Suppliers)
        {
            int retval;

            if (!link.PmRuntime)
                continue;

            retval = link.Supplier.Power.GetSync();
            // Ignore suppliers with disabled runtime PM.
            if (retval < 0 && retval != -Errno.EACCES)
            {
                link.Supplier.Power.PutNoIdle();
                return retval;
            }
            link.RpmActive++;
        }

        return 0;
    }
}
