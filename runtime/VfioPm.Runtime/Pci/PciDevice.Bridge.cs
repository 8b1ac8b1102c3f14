namespace VfioPm.Runtime.Pci;

// Bridge D3 policy (drivers/pci/pci.c: pci_bridge_d3_possible, pci_bridge_d3_update).
public partial class PciDevice
{
    /// <summary>
    /// <c>bridge_d3</c>: this bridge may go to D3 at runtime — it is capable (<see cref="PciFunctionSpec.BridgeD3Possible"/>)
    /// and no function below forbids it (a function with D3cold not allowed blocks its bridges).
    /// </summary>
    // models pci_bridge_d3_possible() && !pci_dev_check_d3cold() over the subordinate bus
    public bool BridgeD3
    {
        get
        {
            if (!IsBridge || !Spec.BridgeD3Possible)
            {
                return false;
            }

            foreach (var child in Children)
            {
                if (child is PciDevice pci && (!pci.D3ColdAllowed || (pci.IsBridge && !pci.BridgeD3)))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
