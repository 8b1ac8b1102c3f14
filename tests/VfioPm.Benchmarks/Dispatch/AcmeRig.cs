using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Samples.VariantDriver;

namespace VfioPm.Benchmarks.Dispatch;

/// <summary>
/// The variant-driver sample on a simulated platform, bound, resumed and held in use (one reference, as a VMM that
/// has the device open does), so every dispatch measured here runs its get/put bracket on an Active device.
/// </summary>
public sealed class AcmeRig
{
    /// <summary>Builds the platform, binds acme-vfio-pci, and takes the holding reference.</summary>
    public AcmeRig()
    {
        Platform = new SimulatedPlatform();
        var port = Platform.AddRootPort("0000:00:1c.0");
        Pdev = Platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { VendorId = 0x1234, DeviceId = 0xacce, ClassCode = 0x120000 });
        var driver = new AcmeVariantPciDriver();
        Check(Pdev.Bind(driver) == 0, "bind");
        Platform.Settle(TimeSpan.FromMilliseconds(300));
        Generated = driver.GetDevice(Pdev) ?? throw new InvalidOperationException("no device file after bind");
        HandWritten = new HandWrittenAcmeDispatch(Pdev);
        Check(Pdev.Power.ResumeAndGet() == 0, "holding reference");
        Platform.RunWork();
        Check(Pdev.CurrentState == PciPowerState.D0 && Pdev.Power.UsageCount == 1, "device in use and in D0");
    }

    /// <summary>The platform.</summary>
    public SimulatedPlatform Platform { get; }

    /// <summary>The Acme function.</summary>
    public PciDevice Pdev { get; }

    /// <summary>The generated dispatchers (the sample's <see cref="AcmeVariantDevice"/>).</summary>
    public AcmeVariantDevice Generated { get; }

    /// <summary>The same handlers behind a hand-written switch.</summary>
    public HandWrittenAcmeDispatch HandWritten { get; }

    /// <summary>Fails setup when <paramref name="ok"/> is false.</summary>
    public static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"benchmark rig: {what} failed");
        }
    }
}
