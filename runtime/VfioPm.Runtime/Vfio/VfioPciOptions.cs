namespace VfioPm.Runtime.Vfio;

/// <summary>vfio-pci module parameters that change power management. Latched per device at registration (2026 fix).</summary>
public sealed record VfioPciOptions
{
    /// <summary><c>disable_idle_d3</c>: never let an unused device idle into D3; no open-time get/put.</summary>
    public bool DisableIdleD3 { get; init; }
}
