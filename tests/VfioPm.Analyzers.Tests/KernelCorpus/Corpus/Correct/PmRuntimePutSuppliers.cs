// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_put_suppliers() — after the consumer's probe
// why: puts exactly the references supplier_preactivated records (issue 12: ownership held by a flag)
namespace KernelCorpus.Cases;

public static class PmRuntimePutSuppliersPort
{
    public static void PmRuntimePutSuppliers(ConsumerPort dev)
    {
        foreach (var link in dev.Suppliers)
        {
            if (link.SupplierPreactivated)
            {
                link.SupplierPreactivated = false;
                link.Supplier.Power.Put();
            }
        }
    }
}
