// kind: bug
// needs: contracts
// ports: drivers/base/power/runtime.c rpm_get_suppliers() — seeded variant: rpm_active counted only when get_sync
//        succeeded, so a supplier with runtime PM disabled (-EACCES, tolerated) keeps a usage reference nothing records
//        and __rpm_put_suppliers() never gives back
// fix: none — a seeded variant of Correct/RpmGetSuppliers (issue 12 evidence: "the count change without the flag")
// why: link.RpmActive is [OwnsPmReference(nameof(Supplier), Counted = true)] (see the prelude): every reference the loop
//      keeps must be counted; on -EACCES get_sync's reference is kept uncounted, and the loop moves on with it held for
//      that link: it leaks at both exits (VPM0001, one per element — at the error return, the earlier links' ones)
namespace KernelCorpus.Cases;

public static class RpmGetSuppliersCountsOnlySuccess
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
                return retval; // <-- VPM0001
            }
            if (retval >= 0)
                link.RpmActive++;
        }

        return 0; // <-- VPM0001
    }
}
