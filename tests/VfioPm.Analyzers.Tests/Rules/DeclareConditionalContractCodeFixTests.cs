using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// The "declare the contract" fix on bodies that take or drop the reference only under a test of a fixed bool: the
/// condition the body tests goes into the contract (<c>vfio_pci_core_enable()</c>: <c>Unless = nameof(DisableIdleD3)</c>;
/// <c>vfio_device_pm_runtime_put()</c>: <c>When = nameof(DriverHasPmOps)</c>), and only when the analyzers find the
/// declared contract kept; a bool that can change gets no fix. <c>{|VPMxxxx:span|}</c> marks each expected diagnostic.
/// </summary>
public sealed class DeclareConditionalContractCodeFixTests
{
    private const string Header = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev, bool disableIdleD3) { Pdev = pdev; DisableIdleD3 = disableIdleD3; }
            public PciDevice Pdev { get; }
            public bool DisableIdleD3 { get; }
            public bool DriverHasPmOps { get; init; }
            public bool Mutable { get; set; }
            int EnableDevice() => 0;
            void DisableDevice() { }

        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Rules = [new PmReferenceBalanceAnalyzer(), new ContractAnalyzer()];

    // vfio_pci_core_enable(): the open reference only without disable_idle_d3, unwound by the label on failure.
    private const string Enable = """
            public int Enable()
            {
                int ret;

                if (!DisableIdleD3)
                {
                    ret = Pdev.Power.ResumeAndGet();
                    if (ret < 0)
                        return ret;
                }

                ret = EnableDevice();
                if (ret != 0)
                    goto out_power;

                {|VPM0001:return 0;|}

            out_power:
                if (!DisableIdleD3)
                    Pdev.Power.Put();
                return ret;
            }

        """;

    // vfio_device_pm_runtime_put(): only when the bound driver has PM ops.
    private const string Put = """
            public void PmRuntimePut()
            {
                if (DriverHasPmOps)
                    {|VPM0002:Pdev.Power.Put()|};
            }

        """;

    private static string Declared(string member, string signature, string attribute) =>
        member.Replace("    " + signature, "    [global::VfioPm.Annotations." + attribute + "]\r\n    " + signature, System.StringComparison.Ordinal)
            .Replace("{|VPM0001:", string.Empty, System.StringComparison.Ordinal).Replace("{|VPM0002:", string.Empty, System.StringComparison.Ordinal)
            .Replace("|}", string.Empty, System.StringComparison.Ordinal);

    private static Task VerifyFix(string source, string fixedSource, string title) =>
        new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        }.RunAsync();

    [Fact]
    public Task DeclaresTheAcquireUnlessTheLatchedFlag() => VerifyFix(
        Header + Enable + "}\n",
        Header + Declared(Enable, "public int Enable(", "AcquiresPmReference(\"Pdev\", OnSuccess = true, Unless = nameof(DisableIdleD3))") + "}\n",
        "Declare [AcquiresPmReference(\"Pdev\", OnSuccess = true, Unless = nameof(DisableIdleD3))]");

    [Fact]
    public Task DeclaresTheReleaseWhenTheFixedProperty() => VerifyFix(
        Header + Put + "}\n",
        Header + Declared(Put, "public void PmRuntimePut(", "ReleasesPmReference(\"Pdev\", When = nameof(DriverHasPmOps))") + "}\n",
        "Declare [ReleasesPmReference(\"Pdev\", When = nameof(DriverHasPmOps))]");

    [Fact]
    public Task DeclaresAPathUnderAParameterOnAStaticHelper() => VerifyFix("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }
            public bool DisableIdleD3 { get; init; }
        }

        static class Core
        {
            // vfio_pci_core_disable()'s put, kernel-style on its device.
            public static void Disable(Vdev vdev)
            {
                if (!vdev.DisableIdleD3)
                    {|VPM0002:vdev.Pdev.Power.Put()|};
            }
        }
        """, """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }
            public bool DisableIdleD3 { get; init; }
        }

        static class Core
        {
            // vfio_pci_core_disable()'s put, kernel-style on its device.
            [global::VfioPm.Annotations.ReleasesPmReference("vdev.Pdev", Unless = "vdev.DisableIdleD3")]
        """ + "\r\n" + """
            public static void Disable(Vdev vdev)
            {
                if (!vdev.DisableIdleD3)
                    vdev.Pdev.Power.Put();
            }
        }
        """, "Declare [ReleasesPmReference(\"vdev.Pdev\", Unless = \"vdev.DisableIdleD3\")]");

    // A variant driver wrapping the core device: the flag is a path under a member of the receiver.
    [Fact]
    public Task DeclaresAPathUnderAMember() => VerifyFix("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }
            public bool DisableIdleD3 { get; init; }
        }

        sealed class Variant
        {
            public Variant(Vdev vdev) => Vdev = vdev;
            public Vdev Vdev { get; }

            public void CloseDevice()
            {
                if (!Vdev.DisableIdleD3)
                    {|VPM0002:Vdev.Pdev.Power.Put()|};
            }
        }
        """, """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }
            public bool DisableIdleD3 { get; init; }
        }

        sealed class Variant
        {
            public Variant(Vdev vdev) => Vdev = vdev;
            public Vdev Vdev { get; }

            [global::VfioPm.Annotations.ReleasesPmReference("Vdev.Pdev", Unless = "Vdev.DisableIdleD3")]
        """ + "\r\n" + """
            public void CloseDevice()
            {
                if (!Vdev.DisableIdleD3)
                    Vdev.Pdev.Power.Put();
            }
        }
        """, "Declare [ReleasesPmReference(\"Vdev.Pdev\", Unless = \"Vdev.DisableIdleD3\")]");

    // A put under a settable property: the condition can change between the get and the put, so no contract states it.
    [Fact]
    public Task IsNotOfferedForAConditionThatCanChange() => VerifyFix(
        Header + """
            public void PutIfMutable()
            {
                if (Mutable)
                    {|VPM0002:Pdev.Power.Put()|};
            }
        }
        """,
        Header + """
            public void PutIfMutable()
            {
                if (Mutable)
                    {|VPM0002:Pdev.Power.Put()|};
            }
        }
        """,
        "no fix");
}
