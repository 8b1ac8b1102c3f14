using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// VPM0004/VPM0005 for a hardware access whose device is an argument, not the receiver: <c>vfio_msi_enable()</c> copies
/// <c>vdev-&gt;pdev</c> into <c>pdev</c> and calls <c>pci_alloc_irq_vectors(pdev, ...)</c> and
/// <c>pci_free_irq_vectors(pdev)</c>, which program the MSI-X table in a BAR, inside the memory-enable bracket. Ported,
/// those accessors are statics or helpers of the driver's own class taking the device; either way the lock is the
/// [PtGuardedBy] guard of the member the device is reached through, directly or through the alias local. A device not
/// reached through a guarded member needs no lock (the PCI layer knows none). <c>{|VPMxxxx:span|}</c> marks each
/// expected diagnostic (<see cref="VfioPmRulesAnalyzerTest"/>).
/// </summary>
public sealed class GuardedDeviceArgumentTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) { Pdev = pdev; }
            [PmDevice, PtGuardedBy(nameof(MemoryLock))] public PciDevice Pdev { get; }
            public MemoryLock MemoryLock { get; } = new();
        }

        static class Msi
        {
            /// <summary>pci_alloc_irq_vectors(): writes the MSI-X table.</summary>
            [DeviceAccess(MemoryLockMode.Shared)]
            public static int AllocIrqVectors(PciDevice pdev, int min, int max) => max;

            /// <summary>A function reset reached by a static helper (needs the lock for write).</summary>
            [DeviceAccess(MemoryLockMode.Exclusive)]
            public static int TryResetFunction(PciDevice pdev) => 0;
        }

        """;

    [Fact]
    public Task AccessesInsideTheBracketThroughArgumentsAndAliasesAreClean() => VfioPmRulesAnalyzerTest.RunAsync(Prelude + """
        abstract class MsiPort
        {
            // vfio_msi_enable(): both the alloc and the short-exit free inside the bracket, the device through an alias.
            [RequiresPmReference("vdev.Pdev.Power")]
            public int Enable(Vdev vdev, int nvec)
            {
                var pdev = vdev.Pdev;
                int ret;

                vdev.MemoryLock.DownWrite();
                ret = Msi.AllocIrqVectors(pdev, 1, nvec);
                if (ret < nvec)
                {
                    if (ret > 0)
                        FreeIrqVectors(pdev);
                    vdev.MemoryLock.UpWrite();
                    return ret;
                }
                vdev.MemoryLock.UpWrite();
                return 0;
            }

            // vfio_exp_config_write()'s FLR: write hold for a write-mode access through the member directly.
            [RequiresPmReference("vdev.Pdev.Power")]
            public void Flr(Vdev vdev)
            {
                vdev.MemoryLock.DownWrite();
                Msi.TryResetFunction(vdev.Pdev);
                vdev.MemoryLock.UpWrite();
            }

            // A PCI device not reached through a guarded member: the PCI layer needs only the reference.
            [RequiresPmReference("pdev.Power")]
            public void Bare(PciDevice pdev)
            {
                Msi.AllocIrqVectors(pdev, 1, 1);
                FreeIrqVectors(pdev);
            }

            // pci_free_irq_vectors() as a helper of the driver's class.
            [DeviceAccess(MemoryLockMode.Shared)]
            protected abstract void FreeIrqVectors(PciDevice pdev);
        }
        """);

    [Fact]
    public Task AccessesOutsideTheBracketAreReported() => VfioPmRulesAnalyzerTest.RunAsync(Prelude + """
        abstract class MsiPort
        {
            // vfio_msi_disable() with the free moved after the unlock: through the alias, to a static and to a helper.
            [RequiresPmReference("vdev.Pdev.Power")]
            public void Disable(Vdev vdev)
            {
                var pdev = vdev.Pdev;

                vdev.MemoryLock.DownWrite();
                vdev.MemoryLock.UpWrite();
                {|VPM0004:FreeIrqVectors(pdev)|};
                {|VPM0004:Msi.AllocIrqVectors(pdev, 1, 1)|};
                {|VPM0004:Msi.AllocIrqVectors(vdev.Pdev, 1, 1)|};
                {|VPM0004:pdev.ReadBar(0, 0, new byte[4])|};
            }

            // A read hold where the reset needs the write hold.
            [RequiresPmReference("vdev.Pdev.Power")]
            public void SharedReset(Vdev vdev)
            {
                var pdev = vdev.Pdev;
                vdev.MemoryLock.DownRead();
                {|VPM0005:Msi.TryResetFunction(pdev)|};
                vdev.MemoryLock.UpRead();
            }

            [DeviceAccess(MemoryLockMode.Shared)]
            protected abstract void FreeIrqVectors(PciDevice pdev);
        }
        """);
}
