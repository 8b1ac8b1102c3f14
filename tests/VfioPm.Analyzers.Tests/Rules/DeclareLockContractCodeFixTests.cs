using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// The "declare the contract" fix for memory_lock (VPM0010): offered where a body returns holding the lock in one mode
/// on every path (<c>vfio_pci_zap_and_down_write_memory_lock()</c>, <c>vfio_pci_memory_lock_and_enable()</c>) or
/// releases the lock its caller took (<c>vfio_pci_memory_unlock_and_restore()</c>), naming the lock (the receiver's own
/// <c>MemoryLock</c> by default, <c>Lock = "..."</c> otherwise) and the mode; not where the lock leaks on one error path
/// or the exits disagree on the mode. The declared contract checks clean (no VPM0010/VPM0011 left); Fix All puts one
/// attribute on each method. <c>{|VPM0010:span|}</c> marks each expected diagnostic.
/// </summary>
public sealed class DeclareLockContractCodeFixTests
{
    private const string Header = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }
            public MemoryLock MemoryLock { get; } = new();
            void ZapBars() { }
            bool MemoryEnabled() => true;
            ushort Command;

        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Rules = [new MemoryLockBalanceAnalyzer(), new ContractAnalyzer()];

    // vfio_pci_zap_and_down_write_memory_lock(): takes the lock for write and returns holding it.
    private const string ZapAndDownWrite = """
            public void ZapAndDownWriteMemoryLock()
            {
                MemoryLock.DownWrite();
                ZapBars();
            {|VPM0010:}|}

        """;

    // vfio_pci_memory_lock_and_enable(): returns holding the lock for write whichever way the enable goes.
    private const string LockAndEnable = """
            public ushort MemoryLockAndEnable()
            {
                ushort cmd;

                MemoryLock.DownWrite();
                cmd = Command;
                if (!MemoryEnabled())
                {
                    Command = (ushort)(cmd | 0x2);
                    {|VPM0010:return cmd;|}
                }

                {|VPM0010:return cmd;|}
            }

        """;

    // vfio_pci_memory_unlock_and_restore(): restores the command register and drops the lock the caller took.
    private const string UnlockAndRestore = """
            public void MemoryUnlockAndRestore(ushort cmd)
            {
                Command = cmd;
                {|VPM0010:MemoryLock.UpWrite()|};
            }

        """;

    // vfio_pci_runtime_pm_entry()'s old bug: the early return keeps the lock; a contract would hide it.
    private const string LeaksOnOnePath = """
            public int Entry(bool engaged)
            {
                MemoryLock.DownWrite();
                if (engaged)
                    {|VPM0010:return -Errno.EINVAL;|}
                MemoryLock.UpWrite();
                return 0;
            }

        """;

    private static string Declared(string member, string signature, string attribute) =>
        member.Replace("    " + signature, "    [global::VfioPm.Annotations." + attribute + "]\r\n    " + signature, System.StringComparison.Ordinal)
            .Replace("{|VPM0010:", string.Empty, System.StringComparison.Ordinal).Replace("|}", string.Empty, System.StringComparison.Ordinal);

    private static Task VerifyFix(string source, string fixedSource, string title)
    {
        var test = new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        };
        return test.RunAsync();
    }

    [Fact]
    public Task DeclaresTheWriteHoldAZapAndDownWriteKeeps() => VerifyFix(
        Header + ZapAndDownWrite + "}\n",
        Header + Declared(ZapAndDownWrite, "public void ZapAndDownWriteMemoryLock(", "AcquiresMemoryLock(global::VfioPm.Annotations.MemoryLockMode.Exclusive)") + "}\n",
        "Declare [AcquiresMemoryLock(MemoryLockMode.Exclusive)]");

    [Fact]
    public Task DeclaresTheReleaseAnUnlockAndRestoreMakes() => VerifyFix(
        Header + UnlockAndRestore + "}\n",
        Header + Declared(UnlockAndRestore, "public void MemoryUnlockAndRestore(", "ReleasesMemoryLock") + "}\n",
        "Declare [ReleasesMemoryLock]");

    [Fact]
    public Task NamesALockUnderAParameterAndTheReadMode() => VerifyFix("""
        using VfioPm.Annotations; using VfioPm.Runtime.Vfio;
        sealed class Vdev { public MemoryLock MemoryLock { get; } = new(); }
        static class Mmap
        {
            // vfio_pci_mmap_huge_fault()'s first half: the fault path reads under the lock and hands the hold on.
            public static int DownReadForFault(Vdev vdev, bool enabled)
            {
                vdev.MemoryLock.DownRead();
                if (!enabled)
                    {|VPM0010:return -1;|}
                {|VPM0010:return 0;|}
            }
        }
        """, """
        using VfioPm.Annotations; using VfioPm.Runtime.Vfio;
        sealed class Vdev { public MemoryLock MemoryLock { get; } = new(); }
        static class Mmap
        {
            // vfio_pci_mmap_huge_fault()'s first half: the fault path reads under the lock and hands the hold on.
            [global::VfioPm.Annotations.AcquiresMemoryLock(global::VfioPm.Annotations.MemoryLockMode.Shared, Lock = "vdev.MemoryLock")]
        """ + "\r\n" + """
            public static int DownReadForFault(Vdev vdev, bool enabled)
            {
                vdev.MemoryLock.DownRead();
                if (!enabled)
                    return -1;
                return 0;
            }
        }
        """, "Declare [AcquiresMemoryLock(MemoryLockMode.Shared, Lock = \"vdev.MemoryLock\")]");

    [Fact]
    public Task IsNotOfferedForALeakOnOneErrorPath() => VerifyFix(
        Header + LeaksOnOnePath + "}\n",
        Header + LeaksOnOnePath + "}\n",
        "no fix");

    [Fact]
    public Task IsNotOfferedWhereTheExitsDisagreeOnTheMode() => VerifyFix(
        Header + """
            public void DownEither(bool write)
            {
                if (write)
                    MemoryLock.DownWrite();
                else
                    MemoryLock.DownRead();
            {|VPM0010:}|}
        }
        """,
        Header + """
            public void DownEither(bool write)
            {
                if (write)
                    MemoryLock.DownWrite();
                else
                    MemoryLock.DownRead();
            {|VPM0010:}|}
        }
        """,
        "no fix");

    // What keeps the declared mode honest after the fix: an exit holding the lock in another mode than declared is
    // VPM0011 (the caller's up_write of a read hold breaks the semaphore), the declared mode is clean.
    [Fact]
    public Task AcquireMustReturnHoldingTheDeclaredMode() => VfioPmRulesAnalyzerTest.RunAsync(Header + """
            [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
            public int ZapAndDownWrite(bool readOnly)
            {
                if (readOnly)
                {
                    MemoryLock.DownRead();
                    {|VPM0011:return 1;|}
                }

                MemoryLock.DownWrite();
                ZapBars();
                return 0;
            }

            [AcquiresMemoryLock(MemoryLockMode.Shared)]
            public void DownReadOnly()
            {
                MemoryLock.DownRead();
            }
        }
        """);

    // One member of hot reset's lock list (vfio_pci_dev_set_hot_reset(): down_write_trylock(), zap only when taken): a
    // bool acquire is a try-lock, held exactly on the exits that return true, as its callers read it.
    private const string TryZap = """
            public bool TryZapAndDownWrite()
            {
                if (!MemoryLock.DownWriteTrylock())
                    return false;
                ZapBars();
                {|VPM0010:return true;|}
            }

        """;

    [Fact]
    public Task DeclaresATryLockOnABoolResult() => VerifyFix(
        Header + TryZap + "}\n",
        Header + Declared(TryZap, "public bool TryZapAndDownWrite(", "AcquiresMemoryLock(global::VfioPm.Annotations.MemoryLockMode.Exclusive)") + "}\n",
        "Declare [AcquiresMemoryLock(MemoryLockMode.Exclusive)]");

    [Fact]
    public Task TryLockThatReturnsFalseHoldingTheLockIsReported() => VfioPmRulesAnalyzerTest.RunAsync(Header + """
            [AcquiresMemoryLock(MemoryLockMode.Exclusive)]
            public bool TryZapAndDownWrite(bool busy)
            {
                if (!MemoryLock.DownWriteTrylock())
                    return false;
                if (busy)
                    {|VPM0011:return false;|}
                ZapBars();
                return true;
            }

            // The caller: releases only where the try-lock said it holds.
            public int Reset(bool busy)
            {
                if (!TryZapAndDownWrite(busy))
                    return -Errno.EAGAIN;
                MemoryLock.UpWrite();
                return 0;
            }
        }
        """);

    // Fix All of the acquire fix declares only acquires, once per method however many exits reported it; the release
    // is another equivalence key and the leak on one error path is left for its author.
    [Fact]
    public Task FixAllDeclaresOneContractPerMethodAndLeavesTheBugAlone()
    {
        var test = new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = Header + ZapAndDownWrite + LockAndEnable + LeaksOnOnePath + UnlockAndRestore + "}\n",
            FixedCode = Header + Declared(ZapAndDownWrite, "public void ZapAndDownWriteMemoryLock(", "AcquiresMemoryLock(global::VfioPm.Annotations.MemoryLockMode.Exclusive)")
                + Declared(LockAndEnable, "public ushort MemoryLockAndEnable(", "AcquiresMemoryLock(global::VfioPm.Annotations.MemoryLockMode.Exclusive)")
                + LeaksOnOnePath + UnlockAndRestore + "}\n",
            CodeActionEquivalenceKey = nameof(DeclareContractCodeFix) + "AcquiresMemoryLock",
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        };

        // What is left is marked in the fixed code too: the leak on one error path and the release (another key).
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        return test.RunAsync();
    }
}
