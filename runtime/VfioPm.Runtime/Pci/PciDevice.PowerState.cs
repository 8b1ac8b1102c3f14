using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Pci;

// Power-state changes of a function (drivers/pci/pci.c): pci_set_power_state, its D0 path, target-state choice
// and pci_finish_runtime_suspend.
public partial class PciDevice
{
    /// <summary>
    /// Moves the function to <paramref name="state"/>. D3cold goes to D3hot natively, then asks the platform to cut
    /// power; if it cannot, the function stays in D3hot and the call still succeeds. A powered-off bridge takes its
    /// whole subordinate hierarchy to D3cold.
    /// </summary>
    /// <returns>0 (Unknown is bounded to D3cold, as the kernel bounds any state above it); <c>-EINVAL</c> for a transition to a shallower non-D0 state; <c>-EIO</c> for D1..D3hot without a PM capability, D1/D2 the function does not offer, or a failed power-up.</returns>
    /// <remarks>Takes the function's hardware lock; may call the platform. Does not touch runtime-PM state.</remarks>
    // models pci_set_power_state()
    public int SetPowerState(PciPowerState state)
    {
        // Bound the state we're entering: Unknown (above D3cold) means D3cold.
        if (state > PciPowerState.D3cold)
        {
            state = PciPowerState.D3cold;
        }

        if (state == PciPowerState.D0)
        {
            return SetFullPowerState();
        }

        if (PmCap == 0 && state != PciPowerState.D3cold)
        {
            return -Errno.EIO;
        }

        // pci_set_low_power_state(): D1 and D2 only where the PM capability offers them (d1_support/d2_support).
        if ((state == PciPowerState.D1 && !Spec.D1Support) || (state == PciPowerState.D2 && !Spec.D2Support))
        {
            return -Errno.EIO;
        }

        var before = CurrentState;
        lock (_hw)
        {
            if (_currentState == state)
            {
                return 0;
            }

            // From a low-power state only deeper is allowed; shallower states go through D0. From Unknown (above
            // D3cold) any state is allowed, as in pci_set_low_power_state().
            if (_currentState <= PciPowerState.D3cold && _currentState > state)
            {
                return -Errno.EINVAL;
            }

            if (_currentState != PciPowerState.D3cold && PmCap != 0)
            {
                var native = state == PciPowerState.D3cold ? PciPowerState.D3hot : state;
                var pmcsr = Config.Read16(PmCap + PciRegs.PmCtrl);
                Config.Write16(PmCap + PciRegs.PmCtrl, (ushort)((pmcsr & ~PciRegs.PmCtrlStateMask) | (int)native));
                _currentState = native;
            }
        }

        NotifyState(before, CurrentState);
        before = CurrentState;

        if (state == PciPowerState.D3cold && Platform is { } platform && platform.CanPowerOff(this) && platform.PowerOff(this) == 0)
        {
            lock (_hw)
            {
                _currentState = PciPowerState.D3cold;
            }

            NotifyState(before, PciPowerState.D3cold);
            if (IsBridge)
            {
                MarkSubordinatesD3Cold();
            }
        }

        return 0;
    }

    /// <summary>
    /// The state the hardware is really in: <see cref="CurrentState"/>, except that when the PCI core has stopped
    /// tracking it (<see cref="PciPowerState.Unknown"/>, after a driver unbinds) it is what PMCSR reports — D0 for a
    /// function without a PM capability.
    /// </summary>
    public PciPowerState HardwareState
    {
        get
        {
            lock (_hw)
            {
                return HardwareStateLocked();
            }
        }
    }

    // Caller holds _hw.
    private PciPowerState HardwareStateLocked() =>
        _currentState != PciPowerState.Unknown ? _currentState
        : PmCap == 0 ? PciPowerState.D0
        : (PciPowerState)(Config.Read16(PmCap + PciRegs.PmCtrl) & PciRegs.PmCtrlStateMask);

    // models pci_set_full_power_state() -> pci_power_up(): power up (platform _ON from D3cold), PMCSR to D0; a
    // NoSoftRst- function coming out of D3hot, and any function coming out of D3cold, is back at its power-on
    // defaults. From Unknown the transition is the one PMCSR reports: a function that is in fact in D0 loses nothing.
    private int SetFullPowerState()
    {
        PciPowerState from;
        PciPowerState hardware;
        lock (_hw)
        {
            from = _currentState;
            hardware = HardwareStateLocked();
        }

        if (from == PciPowerState.D0)
        {
            return 0;
        }

        if (hardware == PciPowerState.D3cold && Platform is { } platform && platform.PowerOn(this) != 0)
        {
            return -Errno.EIO;
        }

        lock (_hw)
        {
            var noSoftReset = PmCap != 0 && (Config.Read16(PmCap + PciRegs.PmCtrl) & PciRegs.PmCtrlNoSoftReset) != 0;
            if (hardware == PciPowerState.D3cold || (hardware == PciPowerState.D3hot && !noSoftReset))
            {
                LoseInternalState();
            }
            else if (PmCap != 0)
            {
                var pmcsr = Config.Read16(PmCap + PciRegs.PmCtrl);
                Config.Write16(PmCap + PciRegs.PmCtrl, (ushort)(pmcsr & ~PciRegs.PmCtrlStateMask));
            }

            _currentState = PciPowerState.D0;
        }

        NotifyState(from, PciPowerState.D0);
        return 0;
    }

    // pci_bus_set_current_state(subordinate, D3cold): power removal reaches everything below the bridge.
    private void MarkSubordinatesD3Cold()
    {
        foreach (var child in Children)
        {
            if (child is PciDevice pci)
            {
                PciPowerState old;
                lock (pci._hw)
                {
                    old = pci.SwapState(PciPowerState.D3cold);
                }

                pci.NotifyState(old, PciPowerState.D3cold);

                if (pci.IsBridge)
                {
                    pci.MarkSubordinatesD3Cold();
                }
            }
        }
    }

    /// <summary>
    /// The state runtime suspend should reach. A slot the platform can power off is asked first, with or without a PM
    /// capability: D3cold where D3cold is allowed, else D3hot. Otherwise a function already in D3cold stays there, one
    /// without a PM capability stays in D0, and the rest go to D3hot.
    /// </summary>
    // models pci_target_state() (wake-up driven choices are not modelled): platform_pci_power_manageable() first
    public PciPowerState TargetState()
    {
        if (Platform is { } platform && platform.CanPowerOff(this))
        {
            // acpi_pci_choose_state(): d_max is D3hot when d3cold is not allowed.
            return D3ColdAllowed ? PciPowerState.D3cold : PciPowerState.D3hot;
        }

        if (CurrentState == PciPowerState.D3cold)
        {
            return PciPowerState.D3cold;
        }

        return PmCap == 0 ? PciPowerState.D0 : PciPowerState.D3hot;
    }

    // models pci_finish_runtime_suspend(): go to the target state; its error is the caller's to ignore.
    internal int FinishRuntimeSuspend() => SetPowerState(TargetState());

    // models pci_pm_default_resume_early(): power up and restore the saved config.
    internal void DefaultResumeEarly()
    {
        SetPowerState(PciPowerState.D0);
        RestoreState();
    }

    // models pci_pm_bridge_power_up_actions() -> pci_resume_bus(): a bridge powered back from D3cold may have powered
    // its whole hierarchy into D0-uninitialized; ask every function below it — at any depth, as pci_walk_bus() does —
    // to resume so it can settle and suspend again.
    internal void BridgePowerUpActions()
    {
        foreach (var child in Children)
        {
            child.Power.RequestResume();
            if (child is PciDevice { IsBridge: true } bridge)
            {
                bridge.BridgePowerUpActions();
            }
        }
    }

    // models the end of pci_device_remove(): a function still on is "unknown" until the next driver sets it up.
    internal void ForgetD0()
    {
        lock (_hw)
        {
            if (_currentState != PciPowerState.D0)
            {
                return;
            }

            _currentState = PciPowerState.Unknown;
        }

        NotifyState(PciPowerState.D0, PciPowerState.Unknown);
    }

    // Drops any saved state without restoring it (state_saved = false at the start of a runtime suspend).
    internal void ForgetSavedState()
    {
        lock (_hw)
        {
            _savedState = null;
        }
    }
}
