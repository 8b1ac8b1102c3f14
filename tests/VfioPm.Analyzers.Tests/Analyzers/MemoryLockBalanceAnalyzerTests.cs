using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0010: memory_lock acquired and released on every path, Clang TSA's cases in C#.</summary>
public sealed class MemoryLockBalanceAnalyzerTests
{
    private const string Prelude = TestPreludes.Driver;

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<MemoryLockBalanceAnalyzer>(Prelude + "\n" + members + "\n}\n");

    [Fact]
    public Task LockUnlockInFinallyIsClean() => VerifyAsync("""
        void F()
        {
            MemoryLock.DownWrite();
            try
            {
                Work();
            }
            finally
            {
                MemoryLock.UpWrite();
            }
        }
        """);

    [Fact]
    public Task ScopedGuardsAreClean() => VerifyAsync("""
        void F()
        {
            using (MemoryLock.WriteLock())
            {
                Work();
            }
        }
        void G()
        {
            using var g = MemoryLock.ReadLock();
            Work();
        }
        """);

    [Fact]
    public Task NotReleasedOnAnEarlyReturn() => VerifyAsync("""
        void F(bool b)
        {
            MemoryLock.DownRead();
            if (b) {|VPM0010:return;|}
            MemoryLock.UpRead();
        }
        """);

    [Fact]
    public Task ReleasedTwice() => VerifyAsync("""
        void F()
        {
            MemoryLock.DownWrite();
            MemoryLock.UpWrite();
            {|VPM0010:MemoryLock.UpWrite()|};
        }
        """);

    [Fact]
    public Task ReleasedOnOnlyOneBranchOfAJoin() => VerifyAsync("""
        void F(bool b)
        {
            MemoryLock.DownWrite();
            if (b) MemoryLock.UpWrite();
            Work();
        {|VPM0010:}|}
        """);

    [Fact]
    public Task RecursiveAcquireIsASelfDeadlock() => VerifyAsync("""
        void F()
        {
            MemoryLock.DownWrite();
            {|VPM0010:MemoryLock.DownWrite()|};
            MemoryLock.UpWrite();
        }
        """);

    [Fact]
    public Task TryLockHeldOnlyWhenTrue() => VerifyAsync("""
        void F()
        {
            if (!MemoryLock.DownWriteTrylock()) return;
            Work();
            MemoryLock.UpWrite();
        }
        void G()
        {
            var ok = MemoryLock.DownReadTrylock();
            if (ok)
            {
                Work();
                MemoryLock.UpRead();
            }
        }
        """);

    [Fact]
    public Task LockHeldAcrossALoopBodyIsClean() => VerifyAsync("""
        void F(int n)
        {
            for (var i = 0; i < n; i++)
            {
                MemoryLock.DownRead();
                Work();
                MemoryLock.UpRead();
            }
        }
        """);

    [Fact]
    public Task LockTakenInALoopAndNotReleasedInIt() => VerifyAsync("""
        void F(int n)
        {
            for (var i = 0; i < n; i++)
            {
                {|VPM0010:MemoryLock.DownRead()|};
            }
            {|VPM0010:MemoryLock.UpRead()|};
        }
        """);

    [Fact]
    public Task ADriversOwnInternalCopyOfTheAttributesIsHonoured()
    {
        // No VfioPm.Runtime: the driver compiles its own internal copy of the attributes, matched by name.
        var test = new VfioPmAnalyzerTest<MemoryLockBalanceAnalyzer>(withRuntime: false)
        {
            TestCode = """
                class MyLock
                {
                    [VfioPm.Annotations.AcquiresMemoryLock(VfioPm.Annotations.MemoryLockMode.Exclusive)]
                    public void Lock() { }

                    [VfioPm.Annotations.ReleasesMemoryLock]
                    public void Unlock() { }
                }

                class User
                {
                    MyLock L = new();

                    void F(bool b)
                    {
                        L.Lock();
                        if (b)
                            {|VPM0010:return;|}
                        L.Unlock();
                    }
                }
                """,
        };
        foreach (var source in VfioPm.Analyzers.Tests.Harness.TestCompilation.AnnotationSources(makeInternal: true))
        {
            test.TestState.Sources.Add((source.Path, source.Text));
        }

        return test.RunAsync();
    }
}
