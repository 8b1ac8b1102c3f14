using System;
using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// A PCI function (<c>struct pci_dev</c>): a <see cref="Device"/> on the PCI bus with a power state, a config space with
/// the PM capability, BARs, an INTx line, and (for PFs) SR-IOV. The PCI bus runtime callbacks
/// (<see cref="PciBusRuntimePm"/>) are its subsystem callbacks; a bound driver's ops sit behind them.
/// </summary>
/// <remarks>
/// Hardware state (power state, config bytes, BAR contents) is guarded by a per-function lock that is a leaf: nothing
/// else is taken while holding it.
/// </remarks>
public partial class PciDevice : Device
{
    private readonly object _hw = new();
    private readonly byte[] _powerOnConfig;
    private readonly List<PciFatalAccess> _fatalAccesses = new();
    private PciPowerState _currentState = PciPowerState.D0;
    private byte[]? _savedState;
    private bool _d3ColdAllowed = true;

    /// <summary>Creates a function below <paramref name="upstream"/> (its bridge or port; <see langword="null"/> for a root-bus function).</summary>
    public PciDevice(string bdf, PciDevice? upstream, PmEnvironment environment, PciFunctionSpec? spec = null)
        : base(bdf, upstream, environment, attachToParent: false)
    {
        Spec = spec ?? new PciFunctionSpec();
        Upstream = upstream;
        Config = new PciConfigSpace();
        Bars = BuildBars(Spec);
        InitConfig();
        _powerOnConfig = Config.Snapshot();
        Subsystem = PciBusRuntimePm.Instance;

        // Last: bus resets, the bridge D3 policy and D3cold propagation walk the bridge's children from other threads.
        AttachToParent();
    }

    /// <summary>The power-on description of the function.</summary>
    public PciFunctionSpec Spec { get; }

    /// <summary>The bridge or port above (the PCI parent), or <see langword="null"/>.</summary>
    public PciDevice? Upstream { get; }

    /// <summary>The raw config space, as the hardware holds it. Device-side code should use <see cref="ReadConfig"/>/<see cref="WriteConfig"/>, which check the power state.</summary>
    public PciConfigSpace Config { get; }

    /// <summary>BARs 0..5.</summary>
    public IReadOnlyList<PciBar> Bars { get; }

    /// <summary>Type-1 header (bridge or port).</summary>
    public bool IsBridge => Spec.IsBridge;

    /// <summary>Offset of the PM capability, or 0 when the function has none (<c>pm_cap</c>).</summary>
    public int PmCap => Spec.HasPmCapability ? PciConfigSpace.PmCapOffset : 0;

    /// <summary>The INTx line this function's pin is routed to (shared lines are common), or <see langword="null"/>.</summary>
    public IntxLine? Intx { get; set; }

    /// <summary>The platform's power control of this slot, or <see langword="null"/> when there is none.</summary>
    public IPciPlatformPower? Platform { get; set; }

    /// <summary><c>current_state</c>: the power state as the PCI core last set or read it.</summary>
    public PciPowerState CurrentState
    {
        get
        {
            lock (_hw)
            {
                return _currentState;
            }
        }
    }

    /// <summary>
    /// <c>d3cold_allowed</c> (the inverse of <c>no_d3cold</c>): whether runtime suspend may cut power. Changing it
    /// re-evaluates D3 for the bridges above (<c>pci_bridge_d3_update</c>).
    /// </summary>
    public bool D3ColdAllowed
    {
        get
        {
            lock (_hw)
            {
                return _d3ColdAllowed;
            }
        }

        set
        {
            lock (_hw)
            {
                _d3ColdAllowed = value;
            }
        }
    }

    /// <summary>Accesses the hardware would not have survived (see <see cref="PciFatalAccess"/>).</summary>
    public IReadOnlyList<PciFatalAccess> FatalAccesses
    {
        get
        {
            lock (_fatalAccesses)
            {
                return _fatalAccesses.ToArray();
            }
        }
    }

    /// <summary>Raised after <see cref="CurrentState"/> changes (from, to). Handlers must not call back into the function.</summary>
    public event Action<PciDevice, PciPowerState, PciPowerState>? PowerStateChanged;

    /// <summary>Raised when a fatal access is recorded.</summary>
    public event Action<PciFatalAccess>? FatalAccess;

    /// <summary>
    /// Raised for the messages the PCI core and the bound driver log about this function (<c>pci_warn</c>,
    /// <c>pci_notice</c>, vfio's <c>dev_warn</c>), such as vfio relaying a device request. Runtime-PM core warnings go
    /// to <see cref="PmEnvironment.Warning"/> instead.
    /// </summary>
    public event Action<PciDevice, string>? Message;

    /// <summary>True when <see cref="SaveState"/> captured a state not yet restored (<c>state_saved</c>).</summary>
    public bool StateSaved
    {
        get
        {
            lock (_hw)
            {
                return _savedState is not null;
            }
        }
    }

    /// <summary>
    /// Whether config space answers: the function is powered (not D3cold) and every bridge above is in D0 (a bridge
    /// in D3 does not forward to its secondary bus).
    /// </summary>
    public bool IsReachable
    {
        get
        {
            if (CurrentState == PciPowerState.D3cold)
            {
                return false;
            }

            for (var up = Upstream; up is not null; up = up.Upstream)
            {
                if (up.HardwareState != PciPowerState.D0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Sets up the PM defaults of a newly added function: forbidden (one usage reference), active, enabled.</summary>
    // models the runtime-PM part of pci_pm_init() / pci_bus_add_device().
    public void InitRuntimePm()
    {
        Power.Forbid();
        Power.SetActive();
        Power.Enable();
    }

    /// <summary>Saves config space for a later <see cref="RestoreState"/>.</summary>
    // models pci_save_state()
    public void SaveState()
    {
        lock (_hw)
        {
            _savedState = Config.Snapshot();
        }
    }

    /// <summary>Writes the saved config space back (if any) and forgets it.</summary>
    // models pci_restore_state()
    public void RestoreState()
    {
        lock (_hw)
        {
            if (_savedState is null || _currentState != PciPowerState.D0)
            {
                return;
            }

            var pmcsr = Config.Read16(PciConfigSpace.PmCapOffset + PciRegs.PmCtrl);
            var status = Config.Read16(PciRegs.Status);
            Config.Restore(_savedState);
            // STATUS (read-only / write-1-to-clear) and the power-state bits are the device's own, not restored.
            Config.Write16(PciRegs.Status, status);
            if (PmCap != 0)
            {
                Config.Write16(PmCap + PciRegs.PmCtrl, pmcsr);
            }

            _savedState = null;
        }
    }

    /// <summary>Takes the saved state out of the device (<c>pci_store_saved_state</c>), for a driver to keep.</summary>
    public byte[]? StoreSavedState()
    {
        lock (_hw)
        {
            return _savedState is null ? null : (byte[])_savedState.Clone();
        }
    }

    /// <summary>Puts a state taken with <see cref="StoreSavedState"/> back as the device's saved state (<c>pci_load_saved_state</c>).</summary>
    public void LoadSavedState(byte[]? state)
    {
        lock (_hw)
        {
            _savedState = state is null ? null : (byte[])state.Clone();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{CurrentState}]";

    private static PciBar[] BuildBars(PciFunctionSpec spec)
    {
        var bars = new PciBar[6];
        for (var i = 0; i < 6; i++)
        {
            var size = i < spec.MemoryBarSizes.Count ? spec.MemoryBarSizes[i] : 0;
            bars[i] = new PciBar(i, size);
        }

        return bars;
    }

    private void InitConfig()
    {
        Config.Write16(PciRegs.VendorId, Spec.VendorId);
        Config.Write16(PciRegs.DeviceId, Spec.DeviceId);
        Config.Write32(PciRegs.ClassRevision, (Spec.ClassCode << 8) | 0xa1);
        Config.Write(PciRegs.HeaderType, new[] { (byte)(Spec.IsBridge ? 1 : 0) });
        Config.Write(PciRegs.InterruptPin, new[] { (byte)(Spec.HasIntx ? 1 : 0) });
        if (Spec.HasPmCapability)
        {
            Config.Write16(PciRegs.Status, PciRegs.StatusCapList);
            Config.Write(PciRegs.CapabilityList, new[] { (byte)PciConfigSpace.PmCapOffset });
            Config.Write(PciConfigSpace.PmCapOffset, new byte[] { PciRegs.CapIdPm, 0 });
            // PMC: version 3, and D1/D2 support as specified.
            var pmc = 0x0003 | (Spec.D1Support ? PciRegs.PmPmcD1 : 0) | (Spec.D2Support ? PciRegs.PmPmcD2 : 0);
            Config.Write16(PciConfigSpace.PmCapOffset + PciRegs.PmPmc, (ushort)pmc);
            Config.Write16(PciConfigSpace.PmCapOffset + PciRegs.PmCtrl, Spec.NoSoftReset ? PciRegs.PmCtrlNoSoftReset : (ushort)0);
        }
    }

    // Back to power-on defaults: what a function reset does, and what a NoSoftRst- function loses in D3hot→D0.
    // Caller holds _hw.
    private void LoseInternalState()
    {
        var pmcsr = Config.Read16(PciConfigSpace.PmCapOffset + PciRegs.PmCtrl);
        Config.Restore(_powerOnConfig);
        if (PmCap != 0)
        {
            Config.Write16(PmCap + PciRegs.PmCtrl, (ushort)(pmcsr & ~PciRegs.PmCtrlStateMask));
        }

        foreach (var bar in Bars)
        {
            bar.Clear();
        }
    }

    // Sets current_state; returns the old one. Caller holds _hw.
    private PciPowerState SwapState(PciPowerState state)
    {
        var old = _currentState;
        _currentState = state;
        return old;
    }

    private void NotifyState(PciPowerState from, PciPowerState to)
    {
        if (from != to)
        {
            PowerStateChanged?.Invoke(this, from, to);
        }
    }

    internal void Log(string message) => Message?.Invoke(this, message);

    internal void RecordFatal(string what)
    {
        var access = new PciFatalAccess(Environment.Now, this, what, CurrentState);
        lock (_fatalAccesses)
        {
            _fatalAccesses.Add(access);
        }

        FatalAccess?.Invoke(access);
    }
}
