using System.Runtime.CompilerServices;
using VfioPm.Tests.Shared;

namespace VfioPm.Runtime.Tests.TestKit;

/// <summary>Snapshot assertions in Verify's file convention (<see cref="SnapshotFile"/>): <c>{TestClass}.{Name}.verified.{ext}</c> next to the test.</summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, string extension, [CallerFilePath] string testFile = "")
    {
        var result = SnapshotFile.Check(actual, name, extension, testFile);
        Assert.True(result.Matched, result.Message);
    }
}
