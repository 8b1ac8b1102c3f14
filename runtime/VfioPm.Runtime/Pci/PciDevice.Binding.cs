using System.Diagnostics.CodeAnalysis;
using System.Threading;

using VfioPm.Annotations;

namespace VfioPm.Runtime.Pci;

// Driver binding as the PCI core and driver core do it: probe under a runtime-PM reference.
public partial class PciDevice
{
    // The driver core's device_lock(): serializes probe and remove of this function (held across a remove that waits).
    private readonly object _deviceLock = new();
    // While set, the bound driver owns the probe reference local_pci_probe() took (a driver may hand it back to runtime
    // PM in its probe, as pcieport does, and take it again in its remove); pci_device_remove() drops it.
    [OwnsPmReference(nameof(Power))]
    private PciDriver? _boundDriver;
    private int _added;

    /// <summary>The bound driver, or <see langword="null"/>.</summary>
    public PciDriver? BoundDriver => Volatile.Read(ref _boundDriver);

    /// <summary>The function has been added to the bus (<c>pci_bus_add_device</c> done); until then runtime suspend is refused.</summary>
    public bool IsAdded => Volatile.Read(ref _added) != 0;

    /// <summary>Adds the function to the bus: runtime-PM defaults (forbidden, active, enabled) and <see cref="IsAdded"/>.</summary>
    // models pci_pm_init() + pci_bus_add_device() (the runtime-PM parts)
    public void AddToBus()
    {
        if (Interlocked.Exchange(ref _added, 1) != 0)
        {
            return;
        }

        InitRuntimePm();
    }

    /// <summary>Binds <paramref name="driver"/>: resume and hold a reference across probe; drop it if probe fails; then an idle request.</summary>
    /// <returns>The probe result; <c>-EBUSY</c> if a driver is already bound.</returns>
    /// <remarks>May sleep.</remarks>
    // models local_pci_probe() inside really_probe()
    public int Bind(PciDriver driver)
    {
        lock (_deviceLock)
        {
            // Every writer of _boundDriver holds the device lock: test, then publish.
            if (Volatile.Read(ref _boundDriver) is not null)
            {
                return -Errno.EBUSY;
            }

            Power.GetSync();
            // The one place a driver's PM ops are installed (dev->driver set before probe); Unbind removes them. From
            // here the bound driver owns the probe reference.
            Driver = driver.PmOps;
            Volatile.Write(ref _boundDriver, driver);
            var rc = driver.Probe(this);
            if (rc < 0)
            {
                Driver = null;
                Volatile.Write(ref _boundDriver, null);
                Power.PutSync();
                return rc;
            }

            Power.RequestIdle();
            return rc;
        }
    }

    /// <summary>
    /// Unbinds the driver: its remove runs with the device resumed, then the probe reference is dropped. A remove may
    /// wait for the driver's users (vfio-pci waits for the last open file); <paramref name="signal"/> is the signal to
    /// the unbinding task that such a wait observes.
    /// </summary>
    /// <remarks>Takes the device lock (serializes with <see cref="Bind"/>); may sleep for as long as the driver's remove waits.</remarks>
    // models pci_device_remove()
    public void Unbind(CancellationToken signal = default)
    {
        lock (_deviceLock)
        {
            var driver = Volatile.Read(ref _boundDriver);
            if (driver is null)
            {
                return;
            }

            Power.GetSync();
            driver.Remove(this, signal);
            Power.PutNoIdle();
            Driver = null;
            Volatile.Write(ref _boundDriver, null);
            // Undo the runtime PM settings of local_pci_probe().
            Power.PutSync();
            ForgetD0();
        }
    }
}
