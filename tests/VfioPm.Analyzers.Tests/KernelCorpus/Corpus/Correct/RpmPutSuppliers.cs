// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c __rpm_put_suppliers() with pm_runtime_release_supplier() inlined
// why: drops the supplier references counted in each link's rpm_active (issue 12: ownership held by object state)
namespace KernelCorpus.Cases;

public static class RpmPutSuppliersPort
{
    public static void RpmPutSuppliers(ConsumerPort dev, bool tryToSuspend)
    {
        foreach (var link in dev.Suppliers)
        {
            // The usage-count check is a safety net in case rpm_active saturates.
            while (link.RpmActiveDecNotOne() && link.Supplier.Power.UsageCount > 0)
                link.Supplier.Power.PutNoIdle();

            if (tryToSuspend)
                link.Supplier.Power.RequestIdle();
        }
    }
}
