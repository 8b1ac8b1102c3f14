// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_get_suppliers() — resume the suppliers before a consumer's probe
// why: the reference of each supplier is owned by its link's supplier_preactivated flag (issue 12)
namespace KernelCorpus.Cases;

public static class PmRuntimeGetSuppliersPort
{
    public static void PmRuntimeGetSuppliers(ConsumerPort dev)
    {
        foreach (var link in dev.Suppliers)
        {
            if (link.PmRuntime)
            {
                link.SupplierPreactivated = true;
                link.Supplier.Power.GetSync();
            }
        }
    }
}
