using System.Threading.Tasks;
using VfioPm.Analyzers.Rules;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Analyzers;

/// <summary>VPM0009: a [GuardedBy] member accessed without its lock.</summary>
public sealed class GuardedByAnalyzerTests
{
    private const string Prelude = TestPreludes.Hardware;

    // The members go into the prelude's class.
    private static Task VerifyAsync(string members) => Verify.AnalyzerAsync<GuardedByAnalyzer>(Prelude + "\n" + members + "\n}\n");

    [Fact]
    public Task GuardedReadsAndWrites() => VerifyAsync("""
        bool ReadUnlocked() => {|VPM0009:_engaged|};
        void WriteUnderRead()
        {
            using (MemoryLock.ReadLock())
            {
                {|VPM0009:_engaged|} = true;
            }
        }
        void WriteOk()
        {
            using (MemoryLock.WriteLock())
            {
                _engaged = true;
            }
        }
        bool ReadOk()
        {
            using (MemoryLock.ReadLock())
            {
                return _engaged;
            }
        }
        Hw()
        {
            _engaged = false;
        }
        """);

    [Fact]
    public Task GuardedByAMonitorLock() => VerifyAsync("""
        int Get()
        {
            lock (_gate)
            {
                return _count;
            }
        }
        void Inc()
        {
            lock (_gate)
            {
                _count++;
            }
        }
        int Racy() => {|VPM0009:_count|};
        """);
}
