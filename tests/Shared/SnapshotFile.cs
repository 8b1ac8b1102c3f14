using System;
using System.IO;

namespace VfioPm.Tests.Shared;

/// <summary>
/// Snapshot files in Verify's convention, for any test project: <c>{TestClass}.{Name}.verified.{ext}</c> is committed
/// next to the test file; on a mismatch (or when it is missing) the actual text goes to
/// <c>{TestClass}.{Name}.received.{ext}</c> and the comparison fails. Nothing is accepted automatically: with
/// <c>VFIOPM_ACCEPT_SNAPSHOTS=1</c> in the environment (local use only) a mismatch is written to the verified file
/// instead, and the comparison still fails so the run cannot go green unnoticed. Line endings are normalised to LF.
/// </summary>
internal static class SnapshotFile
{
    public const string AcceptVariable = "VFIOPM_ACCEPT_SNAPSHOTS";

    /// <summary>Compares <paramref name="actual"/> with the verified snapshot <paramref name="name"/> of the test file <paramref name="testFile"/>.</summary>
    /// <param name="actual">The text produced.</param>
    /// <param name="name">The snapshot's name within the test class.</param>
    /// <param name="extension">The files' extension without the dot ("cs", "svg").</param>
    /// <param name="testFile">The test's source path as the compiler recorded it ([CallerFilePath]).</param>
    public static (bool Matched, string Message) Check(string actual, string name, string extension, string testFile)
    {
        testFile = RepositoryRoot.SourcePath(testFile);
        var directory = Path.GetDirectoryName(testFile)!;
        var testClass = Path.GetFileNameWithoutExtension(testFile);
        var verified = Path.Combine(directory, $"{testClass}.{name}.verified.{extension}");
        var received = Path.Combine(directory, $"{testClass}.{name}.received.{extension}");
        return Compare(Normalize(actual), verified, received, Environment.GetEnvironmentVariable(AcceptVariable) == "1");
    }

    /// <summary>The comparison of <paramref name="actual"/> with the file at <paramref name="verifiedPath"/>.</summary>
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
        var verifiedName = Path.GetFileName(verifiedPath);
        return (false, expected is null
            ? $"No verified snapshot {verifiedPath}; the output is in {receivedPath}. Review it and rename it to {verifiedName}."
            : $"Snapshot mismatch: compare {receivedPath} with {verifiedPath}.");
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
