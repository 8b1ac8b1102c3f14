using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Engine;

/// <summary>
/// Capability 1 of the flow engine: value facts per local, parameter and member path, refined by conditions, so two
/// tests of the same unchanged value agree, and acquire results are known to their exact values.
/// </summary>
public sealed class ValueFactTests
{
    private const string Prelude = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Power; using VfioPm.Runtime.Vfio;
        class Node { public Node? Parent; public RuntimePm Power = null!; }
        class Vdev {
          public MemoryLock MemoryLock { get; } = new();
          public Device Pdev = null!;
          public bool DisableIdleD3;
          bool MemoryEnabled() => true;
          static void Work() { }
          static int ProbeDrivers() => 0;
          [DeviceAccess(MemoryLockMode.Shared)] void IoWrite32(uint v) { }

        """;

    private static Task Verify<T>(string body)
        where T : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        Verification.Verify.AnalyzerAsync<T>(Prelude + body + "\n}");

    // vfio_pci_iordwr##size() (vfio_pci_rdwr.c): memory_lock taken for read only when test_mem, released under the same test.
    [Fact]
    public Task ParameterTestedTwiceIsOneFact() => Verify<MemoryLockBalanceAnalyzer>("""
        int IoWrite(bool testMem, uint val)
        {
            if (testMem)
            {
                MemoryLock.DownRead();
                if (!MemoryEnabled())
                {
                    MemoryLock.UpRead();
                    return -Errno.EIO;
                }
            }

            IoWrite32(val);

            if (testMem)
                MemoryLock.UpRead();

            return 0;
        }
        """);

    [Fact]
    public Task ParameterAssignedBetweenTheTestsIsNotOneFact() => Verify<MemoryLockBalanceAnalyzer>("""
        int IoWrite(bool testMem, uint val)
        {
            if (testMem)
                MemoryLock.DownRead();
            IoWrite32(val);
            testMem = MemoryEnabled();
            if (testMem)
                {|VPM0010:MemoryLock.UpRead()|};
            {|VPM0010:return 0;|}
        }
        """);

    // __device_attach() (drivers/base/dd.c): the parent is resumed around probing, under "if (dev->parent)" twice.
    [Fact]
    public Task MemberNullTestedTwiceIsOneFact() => Verify<PmReferenceBalanceAnalyzer>("""
        int Attach(Node dev)
        {
            if (dev.Parent != null)
                dev.Parent.Power.GetSync();

            var ret = ProbeDrivers();

            if (dev.Parent != null)
                dev.Parent.Power.Put();
            return ret;
        }
        """);

    [Fact]
    public Task AliasOfTheMemberIsTheSameFact() => Verify<PmReferenceBalanceAnalyzer>("""
        int Attach(Node dev)
        {
            var parent = dev.Parent;
            if (parent is not null)
                parent.Power.GetSync();

            var ret = ProbeDrivers();

            if (dev.Parent != null)
                dev.Parent.Power.Put();
            return ret;
        }
        """);

    [Fact]
    public Task MemberReassignedBetweenTheTestsIsNotOneFact() => Verify<PmReferenceBalanceAnalyzer>("""
        void Attach(Node dev, Node other)
        {
            if (dev.Parent != null)
                dev.Parent.Power.GetSync();
            dev.Parent = other;
            if (dev.Parent != null)
                {|VPM0002:dev.Parent.Power.Put()|};
        {|VPM0001:}|}
        """);

    [Fact]
    public Task NegatedCopyOfAFlagFollowsTheFlag() => Verify<PmReferenceBalanceAnalyzer>("""
        void Release(Node dev, bool noIdle)
        {
            bool resume = !noIdle;
            if (resume)
                dev.Power.GetSync();
            Work();
            if (!noIdle)
                dev.Power.PutNoIdle();
        }
        """);

    [Fact]
    public Task NegatedCopyTestedTheWrongWayRoundIsReported() => Verify<PmReferenceBalanceAnalyzer>("""
        void Release(Node dev, bool noIdle)
        {
            bool resume = !noIdle;
            if (resume)
                dev.Power.GetSync();
            Work();
            if (noIdle)
                {|VPM0002:dev.Power.PutNoIdle()|};
        {|VPM0001:}|}
        """);

    [Fact]
    public Task FieldTestedWithAndAndOrIsOneFact() => Verify<MemoryLockBalanceAnalyzer>("""
        void Engage(bool force)
        {
            if (!DisableIdleD3 || force)
                MemoryLock.DownWrite();
            Work();
            if (force || !DisableIdleD3)
                MemoryLock.UpWrite();
        }
        """);

    // pm_runtime_get_if_in_use() returns 1, 0 or -EINVAL: "<= 0" covers both failures, "== 0" only one.
    [Fact]
    public Task GetIfInUseTestedWithLessOrEqualZeroIsClean() => Verify<PmReferenceBalanceAnalyzer>("""
        void Flush(Node dev)
        {
            if (dev.Power.GetIfInUse() <= 0)
                return;
            Work();
            dev.Power.Put();
        }
        """);

    [Fact]
    public Task GetIfInUseTestedWithEqualZeroMissesMinusEinval() => Verify<PmReferenceBalanceAnalyzer>("""
        void Flush(Node dev)
        {
            if (dev.Power.GetIfInUse() == 0)
                return;
            Work();
            {|VPM0002:dev.Power.Put()|};
        }
        """);

    [Fact]
    public Task GetIfInUseTestedForExactlyOneIsClean() => Verify<PmReferenceBalanceAnalyzer>("""
        void Flush(Node dev)
        {
            var taken = dev.Power.GetIfInUse();
            if (taken != 1)
                return;
            Work();
            dev.Power.Put();
        }
        """);

    // pm_runtime_get_sync() keeps its count on every result, -EACCES (runtime PM disabled) included.
    [Fact]
    public Task GetSyncTreatingEaccesAsFineKeepsTheCount() => Verify<PmReferenceBalanceAnalyzer>("""
        int Open(Node dev)
        {
            int ret = dev.Power.GetSync();
            if (ret < 0 && ret != -Errno.EACCES)
            {
                dev.Power.PutNoIdle();
                return ret;
            }

            Work();
            dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task GetSyncReturningOnEaccesLeaks() => Verify<PmReferenceBalanceAnalyzer>("""
        int Open(Node dev)
        {
            int ret = {|VPM0003:dev.Power.GetSync()|};
            if (ret == -Errno.EACCES)
                return 0;
            if (ret < 0)
            {
                dev.Power.PutNoIdle();
                return ret;
            }

            dev.Power.Put();
            return 0;
        }
        """);

    // pm_runtime_resume_and_get() holds a reference exactly on 0; -EAGAIN is one failure among others.
    [Fact]
    public Task ResumeAndGetSpecificErrnoIsAFailure() => Verify<PmReferenceBalanceAnalyzer>("""
        int Start(Node dev)
        {
            var ret = dev.Power.ResumeAndGet();
            if (ret == -Errno.EAGAIN)
                return 0;
            if (ret != 0)
                return ret;
            Work();
            dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task PutOnASpecificErrnoOfResumeAndGetUnderflows() => Verify<PmReferenceBalanceAnalyzer>("""
        int Start(Node dev)
        {
            var ret = dev.Power.ResumeAndGet();
            if (ret == -Errno.EAGAIN)
            {
                {|VPM0002:dev.Power.Put()|};
                return 0;
            }

            if (ret < 0)
                return ret;
            dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task SwitchArmsOnTheResultRefineIt() => Verify<PmReferenceBalanceAnalyzer>("""
        int Start(Node dev)
        {
            var ret = dev.Power.ResumeAndGet();
            switch (ret)
            {
                case 0:
                    Work();
                    dev.Power.Put();
                    return 0;
                case -Errno.EACCES:
                    return 0;
                default:
                    return -Errno.EIO;
            }
        }
        """);

    [Fact]
    public Task SwitchArmThatPutsOnAFailureUnderflows() => Verify<PmReferenceBalanceAnalyzer>("""
        int Start(Node dev)
        {
            var ret = dev.Power.ResumeAndGet();
            switch (ret)
            {
                case 0:
                    dev.Power.Put();
                    return 0;
                default:
                    {|VPM0002:dev.Power.Put()|};
                    return -Errno.EIO;
            }
        }
        """);

    [Fact]
    public Task PatternsWithAndOrNotRefine() => Verify<PmReferenceBalanceAnalyzer>("""
        int Start(Node dev)
        {
            var ret = dev.Power.ResumeAndGet();
            if (ret is < 0 and not -Errno.EACCES)
                return ret;
            if (ret is -Errno.EACCES)
                return 0;
            dev.Power.Put();
            return 0;
        }
        """);

    [Fact]
    public Task TernaryOnAFlagTestedTwiceAgrees() => Verify<MemoryLockBalanceAnalyzer>("""
        int Read(bool testMem)
        {
            if (testMem) MemoryLock.DownRead();
            var v = testMem ? 1 : 0;
            if (testMem) MemoryLock.UpRead();
            return v;
        }
        """);

    // Over the bound (more independent flags than states a block keeps), facts are joined then dropped: the method
    // finishes, no analyzer exception, and what is reported is at most what the engine without value facts reported.
    [Fact]
    public Task ManyIndependentFlagsStayWithinTheBound() => Verify<MemoryLockBalanceAnalyzer>("""
        void Many(bool a, bool b, bool c, bool d, bool e, bool f, bool g)
        {
            if (a) MemoryLock.DownRead();
            if (b) Work();
            if (c) Work();
            if (d) Work();
            if (e) Work();
            if (f) Work();
            if (g) Work();
            if (g) Work();
            if (f) Work();
            if (e) Work();
            if (d) Work();
            if (c) Work();
            if (b) Work();
            if (a) MemoryLock.UpRead();
        }
        """);
}
