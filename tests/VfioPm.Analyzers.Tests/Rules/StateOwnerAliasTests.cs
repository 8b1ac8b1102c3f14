using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// VPM0006 through an alias local: <c>vfio_pci_core_enable()</c> copies <c>vdev-&gt;pdev</c> into <c>pdev</c> and reads
/// config space through it on the <c>disable_idle_d3</c> path, where no reference is counted on the path but the
/// registration reference the latched flag owns keeps the function active. The owner is found from the member the alias
/// was copied from, in whichever statement defined it, for a static accessor's device argument
/// (<c>pci_read_config_word(pdev, ...)</c>) and for a receiver alike. <c>{|VPMxxxx:span|}</c> marks each expected
/// diagnostic (<see cref="VfioPmRulesAnalyzerTest"/>).
/// </summary>
public sealed class StateOwnerAliasTests
{
    private const string Source = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev, bool disableIdleD3) { Pdev = pdev; DisableIdleD3 = disableIdleD3; }
            [PmDevice] public PciDevice Pdev { get; }
            // Registration keeps the PCI core's probe reference while set (disable_idle_d3, latched).
            [OwnsPmReference(nameof(Pdev))] public bool DisableIdleD3 { get; }
        }

        static class Pci
        {
            /// <summary>pci_read_config_word().</summary>
            [DeviceAccess(LockFree = true)]
            public static ushort ReadConfigWord(PciDevice pdev, int offset) => 0;
        }

        static class Core
        {
            // vfio_pci_core_enable(), the PM part: the open reference unless disable_idle_d3, whose registration
            // reference covers the config reads on the other path.
            [AcquiresPmReference("vdev.Pdev.Power", OnSuccess = true, Unless = "vdev.DisableIdleD3")]
            public static int Enable(Vdev vdev)
            {
                var pdev = vdev.Pdev;
                int ret;

                if (!vdev.DisableIdleD3)
                {
                    ret = pdev.Power.ResumeAndGet();
                    if (ret < 0)
                        return ret;
                }

                var cmd = Pci.ReadConfigWord(pdev, 4);
                cmd |= (ushort)pdev.ReadConfig16(6);
                if (cmd == 0xffff)
                    goto out_power;
                return 0;

            out_power:
                if (!vdev.DisableIdleD3)
                    pdev.Power.Put();
                return -Errno.ENODEV;
            }

            // The same reads after the put, or without testing the flag: nothing keeps the function active.
            public static int AfterThePut(Vdev vdev)
            {
                var pdev = vdev.Pdev;
                if (!vdev.DisableIdleD3)
                {
                    if (pdev.Power.ResumeAndGet() < 0)
                        return -Errno.EIO;
                    pdev.Power.Put();
                }

                return {|VPM0006:Pci.ReadConfigWord(pdev, 4)|};
            }

            public static int Untested(Vdev vdev)
            {
                var pdev = vdev.Pdev;
                return {|VPM0006:pdev.ReadConfig16(0)|};
            }
        }
        """;

    [Fact]
    public Task RegistrationReferenceCoversAccessesThroughAnAlias() => VfioPmRulesAnalyzerTest.RunAsync(Source);
}
