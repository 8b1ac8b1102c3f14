// kind: bug
// needs: contracts
// ports: drivers/base/power/runtime.c pm_runtime_put_suppliers() — seeded variant: the put moved out of the
//        supplier_preactivated test, so every PM-runtime supplier is put, preactivated or not (usage count underflow)
// fix: none — a seeded variant of Correct/PmRuntimePutSuppliers (issue 12 evidence: "a put without the flag")
// why: link.SupplierPreactivated is [OwnsPmReference(nameof(Supplier))] (see the prelude): only a link whose flag is set
//      has a reference to give back; the put on a link whose flag is clear is VPM0002
namespace KernelCorpus.Cases;

public static class PmRuntimePutSuppliersPutsEveryLink
{
    public static void PmRuntimePutSuppliers(ConsumerPort dev)
    {
        foreach (var link in dev.Suppliers)
        {
            if (link.SupplierPreactivated)
                link.SupplierPreactivated = false;
            link.Supplier.Power.Put(); // <-- VPM0002
        }
    }
}
