using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// Snapshot assertions in Verify's file convention: <c>{TestClass}.{Name}.verified.cs</c> is committed next to the test
/// file; on a mismatch (or when it is missing) the actual text goes to <c>{TestClass}.{Name}.received.cs</c> and the
/// test fails. Nothing is accepted automatically: with <c>VFIOPM_ACCEPT_SNAPSHOTS=1</c> in the environment (local use
/// only) a mismatch is written to the verified file instead, and the test still fails so the run cannot go green
/// unnoticed; the next run compares against the accepted file.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "VFIOPM_ACCEPT_SNAPSHOTS";

    /// <summary>Compares <paramref name="actual"/> with the verified snapshot of <paramref name="name"/>.</summary>
    public static void Match(string actual, string name, [CallerFilePath] string testFile = "")
    {
        testFile = Repository.SourcePath(testFile);
        var directory = Path.GetDirectoryName(testFile)!;
        var testClass = Path.GetFileNameWithoutExtension(testFile);
        var verified = Path.Combine(directory, $"{testClass}.{name}.verified.cs");
        var received = Path.Combine(directory, $"{testClass}.{name}.received.cs");
        var result = Compare(Normalize(actual), verified, received, Environment.GetEnvironmentVariable(AcceptVariable) == "1");
        Assert.True(result.Matched, result.Message);
    }

    /// <summary>The comparison without the assertion (so the helper's own behaviour is testable).</summary>
    public static (bool Matched, string Message) Compare(string actual, string verifiedPath, string receivedPath, bool accept)
    {
        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return (true, string.Empty);
        }

        if (accept)
        {
            File.WriteAllText(verifiedPath, actual);
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return (false, $"Snapshot accepted into {verifiedPath} ({AcceptVariable}=1); review and rerun without it.");
        }

        File.WriteAllText(receivedPath, actual);
        return (false, expected is null
            ? $"No verified snapshot {verifiedPath}; the output is in {receivedPath}. Review it and rename it to .verified.cs."
            : $"Snapshot mismatch: compare {receivedPath} with {verifiedPath}.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
