using VfioPm.Annotations;
using System;
using System.Threading;
using VfioPm.Runtime.Pci;

namespace VfioPm.Runtime.Vfio;

// Registration with the PCI function and runtime PM (vfio_pci_core_register_device / _unregister_device).
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Registers the device: D0 first, runtime PM allowed, and (unless <see cref="DisableIdleD3"/>) the probe reference dropped so the unused device can idle into D3.</summary>
    /// <returns>0; <c>-EINVAL</c> for a bridge (header type must be normal) or a second registration; <c>-EBUSY</c> for a PF that already has VFs.</returns>
    /// <remarks>Called from probe, with the PCI core's probe reference held and the driver's PM ops (<see cref="VfioPciCorePmOps"/>) already installed by the PCI core. May sleep.</remarks>
    // models vfio_pci_core_register_device()
    [RequiresPmReference(nameof(Pdev))]
    public int Register()
    {
        if (Pdev.IsBridge || Volatile.Read(ref _registered) != 0)
        {
            return -Errno.EINVAL;
        }

        // Cannot bind to a PF with SR-IOV enabled.
        if (Pdev.IsPhysFn && Pdev.NumVfs > 0)
        {
            return -Errno.EBUSY;
        }

        Volatile.Write(ref _devSet, DeviceSet.Join(this));
        ProbePowerState();

        // The PCI core may have left the state unknown; D0 is the only legal way out of it.
        using (MemoryLock.WriteLock())
        {
            SetPowerStateLocked(PciPowerState.D0);
        }

        Pdev.Power.Allow();
        if (!DisableIdleD3)
        {
            Pdev.Power.Put();
        }

        // Refcounting starts at registration; the flag is published last.
        Volatile.Write(ref _registrationRefs, 1);
        Volatile.Write(ref _registered, 1);
        return 0;
    }

    /// <summary>How often an unregistration waiting for open files re-sends the device request (<c>HZ * 10</c>).</summary>
    public static readonly TimeSpan RequestInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unregisters: disables VFs, then waits until every open file of the device is closed — sending the device request
    /// to the user (the REQ eventfd) at once and again every <see cref="RequestInterval"/> — then takes back the
    /// reference dropped at registration and forbids runtime PM (power/control ends "on"). No new file can be opened
    /// once this has started.
    /// </summary>
    /// <param name="signal">
    /// A signal to the unbinding task. As in the kernel it does not abort the unregistration: the first wait is
    /// interruptible, and a signal only turns it into an uninterruptible one, with the warning "Device is currently in
    /// use, task blocked until device is released" (there is no way back once the registration reference is dropped).
    /// </param>
    /// <returns>0; <c>-EINVAL</c> when not registered or already unregistering.</returns>
    /// <remarks>Called from remove, with the PCI core's reference held and the driver core's device lock held. Sleeps
    /// until the last file is closed; takes no vfio lock while it waits.</remarks>
    // models vfio_pci_core_unregister_device()
    [RequiresPmReference(nameof(Pdev))]
    public int Unregister(CancellationToken signal = default)
    {
        if (Interlocked.CompareExchange(ref _registered, 2, 1) != 1)
        {
            return -Errno.EINVAL;
        }

        SriovConfigure(0);
        UnregisterGroupDev(signal);
        Volatile.Write(ref _registered, 0);
        DevSet?.Leave(this);
        if (!DisableIdleD3)
        {
            Pdev.Power.GetNoResume();
        }

        Pdev.Power.Forbid();
        return 0;
    }

    // models vfio_unregister_group_dev(): drop the registration reference, then wait for the completion the last
    // file's release fires. Each round sends the request (count 0, 1, ...); rounds are RequestInterval apart on the
    // environment's clock. The first wait is interruptible by the signal; after it the wait is uninterruptible.
    private void UnregisterGroupDev(CancellationToken signal)
    {
        PutRegistration();
        var roundDue = false;
        var interrupted = false;
        var time = Pdev.Environment.Time;
        using var timer = time.CreateTimer(
            _ =>
            {
                lock (_registrationGate)
                {
                    roundDue = true;
                    Monitor.PulseAll(_registrationGate);
                }
            },
            null,
            RequestInterval,
            RequestInterval);
        using var onSignal = signal.Register(() =>
        {
            lock (_registrationGate)
            {
                Monitor.PulseAll(_registrationGate);
            }
        });

        for (uint count = 0; ; count++)
        {
            lock (_registrationGate)
            {
                if (Volatile.Read(ref _registrationRefs) == 0)
                {
                    return;
                }
            }

            // Outside every lock: relaying the request signals a user eventfd.
            Request(count);
            lock (_registrationGate)
            {
                while (Volatile.Read(ref _registrationRefs) != 0 && !roundDue && (interrupted || !signal.IsCancellationRequested))
                {
                    Monitor.Wait(_registrationGate);
                }

                if (Volatile.Read(ref _registrationRefs) == 0)
                {
                    return;
                }

                if (!interrupted && signal.IsCancellationRequested)
                {
                    interrupted = true;
                    Pdev.Log("Device is currently in use, task blocked until device is released");
                }

                roundDue = false;
            }
        }
    }

    // models vfio_device_try_get_registration(): refcount_inc_not_zero. An open after unregistration began fails.
    private bool TryGetRegistration()
    {
        var refs = Volatile.Read(ref _registrationRefs);
        while (refs > 0)
        {
            var seen = Interlocked.CompareExchange(ref _registrationRefs, refs + 1, refs);
            if (seen == refs)
            {
                return true;
            }

            refs = seen;
        }

        return false;
    }

    // models vfio_device_put_registration(): the last put completes the unregistration's wait.
    private void PutRegistration()
    {
        if (Interlocked.Decrement(ref _registrationRefs) == 0)
        {
            lock (_registrationGate)
            {
                Monitor.PulseAll(_registrationGate);
            }
        }
    }

    // models vfio_pci_probe_power_state(): a function without No_Soft_Reset loses state in D3hot.
    [RequiresPmReference(nameof(Pdev))]
    private void ProbePowerState()
    {
        if (Pdev.PmCap == 0)
        {
            return;
        }

        var pmcsr = Pdev.ReadConfig16(Pdev.PmCap + PciRegs.PmCtrl);
        _needsPmRestore = (pmcsr & PciRegs.PmCtrlNoSoftReset) == 0;
    }
}
