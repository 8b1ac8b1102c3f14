namespace VfioPm.Runtime.Vfio;

/// <summary>The interrupt mode the user configured (<c>vdev-&gt;irq_type</c>).</summary>
public enum VfioIrqType
{
    /// <summary>No interrupts configured.</summary>
    None = -1,
    /// <summary>Legacy INTx (VFIO_PCI_INTX_IRQ_INDEX).</summary>
    Intx = 0,
    /// <summary>MSI.</summary>
    Msi = 1,
    /// <summary>MSI-X.</summary>
    Msix = 2,
}
