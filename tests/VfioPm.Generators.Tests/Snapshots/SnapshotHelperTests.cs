using System;
using System.IO;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Snapshots;

/// <summary>The snapshot helper itself: a mismatch fails and leaves a received file; nothing is accepted silently.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vfiopm-snap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Verified => Path.Combine(_dir, "T.N.verified.cs");

    private string Received => Path.Combine(_dir, "T.N.received.cs");

    [Fact]
    public void MissingVerifiedFailsAndWritesReceived()
    {
        var (matched, _) = Snapshot.Compare("code", Verified, Received, accept: false);
        Assert.False(matched);
        Assert.Equal("code", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void MismatchFailsAndLeavesVerifiedAlone()
    {
        File.WriteAllText(Verified, "old");
        var (matched, _) = Snapshot.Compare("new", Verified, Received, accept: false);
        Assert.False(matched);
        Assert.Equal("old", File.ReadAllText(Verified));
        Assert.Equal("new", File.ReadAllText(Received));
    }

    [Fact]
    public void MatchPassesAndRemovesStaleReceived()
    {
        File.WriteAllText(Verified, "same\r\n");
        File.WriteAllText(Received, "stale");
        var (matched, _) = Snapshot.Compare("same\n", Verified, Received, accept: false);
        Assert.True(matched);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void AcceptWritesVerifiedButStillFailsThatRun()
    {
        File.WriteAllText(Verified, "old");
        var (matched, _) = Snapshot.Compare("new", Verified, Received, accept: true);
        Assert.False(matched);
        Assert.Equal("new", File.ReadAllText(Verified));
        Assert.True(Snapshot.Compare("new", Verified, Received, accept: false).Matched);
    }
}
