using System.Runtime.CompilerServices;
using VfioPm.Tests.Shared;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// Snapshot assertions for generated C# in Verify's file convention (<see cref="SnapshotFile"/>):
/// <c>{TestClass}.{Name}.verified.cs</c> next to the test file, <c>.received.cs</c> on a mismatch.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = SnapshotFile.AcceptVariable;

    /// <summary>Compares <paramref name="actual"/> with the verified snapshot of <paramref name="name"/>.</summary>
    public static void Match(string actual, string name, [CallerFilePath] string testFile = "")
    {
        var result = SnapshotFile.Check(actual, name, "cs", testFile);
        Assert.True(result.Matched, result.Message);
    }

    /// <summary>The comparison without the assertion (so the helper's own behaviour is testable).</summary>
    public static (bool Matched, string Message) Compare(string actual, string verifiedPath, string receivedPath, bool accept) =>
        SnapshotFile.Compare(actual, verifiedPath, receivedPath, accept);
}
