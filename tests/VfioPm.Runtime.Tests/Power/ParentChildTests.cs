using System.Linq;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Power;

/// <summary>Spec §4.6 and §4.14: the parent/child rules across a root → bridge → endpoint tree.</summary>
public sealed class ParentChildTests
{
    private sealed record Tree(
        PmTestBed Bed,
        Device Root,
        RecordingCallbacks RootCb,
        Device Bridge,
        RecordingCallbacks BridgeCb,
        Device Endpoint,
        RecordingCallbacks EndpointCb);

    // Three enabled, suspended devices: root → bridge → endpoint.
    private static Tree CreateTree()
    {
        var bed = new PmTestBed();
        var (root, rootCb) = bed.Create("root", enable: true);
        var (bridge, bridgeCb) = bed.Create("bridge", root, enable: true);
        var (ep, epCb) = bed.Create("ep", bridge, enable: true);
        return new Tree(bed, root, rootCb, bridge, bridgeCb, ep, epCb);
    }

    private static string[] Log(PmTestBed bed) => bed.Transitions.Select(t => $"{t.Device.Name}:{t.From}->{t.To}").ToArray();

    private static readonly string[] ResumeChain =
    {
        "root:Suspended->Resuming", "root:Resuming->Active",
        "bridge:Suspended->Resuming", "bridge:Resuming->Active",
        "ep:Suspended->Resuming", "ep:Resuming->Active",
    };

    private static readonly string[] SuspendChain =
    {
        "ep:Active->Suspending", "ep:Suspending->Suspended",
        "bridge:Active->Suspending", "bridge:Suspending->Suspended",
        "root:Active->Suspending", "root:Suspending->Suspended",
    };

    [Fact]
    public void ResumingTheLeafResumesRootThenBridgeThenLeaf()
    {
        var t = CreateTree();

        Assert.Equal(0, t.Endpoint.Power.Resume());

        Assert.Equal(ResumeChain, Log(t.Bed));
        Assert.Equal(RpmStatus.Active, t.Root.Power.Status);
        Assert.Equal(RpmStatus.Active, t.Bridge.Power.Status);
        Assert.Equal(RpmStatus.Active, t.Endpoint.Power.Status);
        Assert.Equal(new[] { "resume" }, t.RootCb.Calls);
        Assert.Equal(new[] { "resume" }, t.BridgeCb.Calls);
        Assert.Equal(new[] { "resume" }, t.EndpointCb.Calls);
    }

    [Fact]
    public void EachParentCountsItsActiveChild()
    {
        var t = CreateTree();

        Assert.Equal(0, t.Endpoint.Power.GetSync());

        Assert.Equal(1, t.Root.Power.ChildCount);
        Assert.Equal(1, t.Bridge.Power.ChildCount);
        Assert.Equal(0, t.Endpoint.Power.ChildCount);

        Assert.Equal(0, t.Endpoint.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, t.Endpoint.Power.Status);
        Assert.Equal(0, t.Bridge.Power.ChildCount);
        Assert.Equal(1, t.Root.Power.ChildCount); // the bridge is still active until its queued idle runs
    }

    [Fact]
    public void TemporaryParentReferencesAreGivenBackAfterTheChildResumes()
    {
        var t = CreateTree();
        t.Root.Power.GetNoResume(); // an unrelated holder of the root

        Assert.Equal(0, t.Endpoint.Power.GetSync());

        Assert.Equal(1, t.Root.Power.UsageCount);
        Assert.Equal(0, t.Bridge.Power.UsageCount);
        Assert.Equal(1, t.Endpoint.Power.UsageCount);
    }

    [Fact]
    public void ChildSuspendIdlesTheParentAndTheWholeChainSuspendsBottomUp()
    {
        var t = CreateTree();
        Assert.Equal(0, t.Endpoint.Power.GetSync());
        t.Bed.Transitions.Clear();

        Assert.Equal(0, t.Endpoint.Power.PutSync());

        // The endpoint is down; its parent got an async idle request and is still up.
        Assert.Equal(RpmStatus.Suspended, t.Endpoint.Power.Status);
        Assert.Equal(RpmStatus.Active, t.Bridge.Power.Status);
        Assert.True(t.Bridge.Power.RequestPending);
        Assert.Equal(RpmStatus.Active, t.Root.Power.Status);

        t.Bed.RunWork();

        Assert.Equal(SuspendChain, Log(t.Bed));
        Assert.Equal(0, t.Root.Power.ChildCount);
        Assert.Equal(0, t.Bridge.Power.ChildCount);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, t.BridgeCb.Calls);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, t.RootCb.Calls);
        Assert.False(t.Root.Power.RequestPending);
        Assert.False(t.Bridge.Power.RequestPending);
    }

    [Fact]
    public void ParentWithRuntimePmDisabledIsNotResumed()
    {
        var bed = new PmTestBed();
        var (parent, parentCb) = bed.Create("parent"); // disabled, suspended
        var (child, childCb) = bed.Create("child", parent, enable: true);

        Assert.Equal(0, child.Power.GetSync());

        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(RpmStatus.Suspended, parent.Power.Status);
        Assert.Empty(parentCb.Calls);
        Assert.Equal(0, parent.Power.UsageCount);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(new[] { "resume" }, childCb.Calls);
    }

    [Fact]
    public void ParentThatIgnoresChildrenIsNotResumedNorIdled()
    {
        var bed = new PmTestBed();
        var (parent, parentCb) = bed.Create("parent", enable: true);
        parent.Power.IgnoreChildren(true);
        var (child, _) = bed.Create("child", parent, enable: true);

        Assert.Equal(0, child.Power.GetSync());

        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(RpmStatus.Suspended, parent.Power.Status);
        Assert.Empty(parentCb.Calls);
        Assert.Equal(0, parent.Power.UsageCount);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(0, parent.Power.ActiveKidsText);

        Assert.Equal(0, child.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, child.Power.Status);
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.False(parent.Power.RequestPending); // no idle notification for a parent that ignores children
        Assert.Equal(0, bed.RunWork());
        Assert.Empty(parentCb.Calls);
    }

    [Fact]
    public void ParentThatIgnoresChildrenMaySuspendUnderAnActiveChild()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("parent", enable: true);
        var (child, _) = bed.Create("child", parent, enable: true);
        Assert.Equal(0, child.Power.GetSync());
        Assert.Equal(-Errno.EBUSY, parent.Power.Suspend());

        parent.Power.IgnoreChildren(true);

        Assert.Equal(0, parent.Power.Suspend());
        Assert.Equal(RpmStatus.Suspended, parent.Power.Status);
        Assert.Equal(RpmStatus.Active, child.Power.Status);
    }

    [Fact]
    public void FailingParentResumeMakesTheChildResumeReturnEbusy()
    {
        var t = CreateTree();
        t.BridgeCb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EBUSY, t.Endpoint.Power.Resume());

        Assert.Equal(RpmStatus.Suspended, t.Endpoint.Power.Status);
        Assert.Empty(t.EndpointCb.Calls);
        Assert.Equal(0, t.Endpoint.Power.RuntimeError); // the child's own callback never ran
        Assert.Equal(RpmStatus.Suspended, t.Bridge.Power.Status);
        Assert.Equal(-Errno.EIO, t.Bridge.Power.RuntimeError);
        Assert.Equal(0, t.Bridge.Power.UsageCount);
        Assert.Equal(0, t.Bridge.Power.ChildCount);
        Assert.Equal(0, t.Root.Power.UsageCount);
        Assert.Equal(0, t.Root.Power.ChildCount);

        // The root was woken for the bridge; with its temporary reference gone it goes back down.
        Assert.Equal(RpmStatus.Active, t.Root.Power.Status);
        t.Bed.RunWork();
        Assert.Equal(RpmStatus.Suspended, t.Root.Power.Status);
    }

    [Fact]
    public void FailingParentResumeLeavesTheGetSyncReferenceButNotTheResumeAndGetOne()
    {
        var t = CreateTree();
        t.RootCb.OnResume = _ => -Errno.EIO;

        Assert.Equal(-Errno.EBUSY, t.Bridge.Power.GetSync());
        Assert.Equal(1, t.Bridge.Power.UsageCount);

        // The bridge's own error stays clear, but the chain is broken higher up: the endpoint's parent is not active.
        Assert.Equal(0, t.Bridge.Power.RuntimeError);
        Assert.Equal(-Errno.EBUSY, t.Endpoint.Power.ResumeAndGet());
        Assert.Equal(0, t.Endpoint.Power.UsageCount);
        Assert.Equal(RpmStatus.Suspended, t.Endpoint.Power.Status);
        Assert.Equal(0, t.Root.Power.UsageCount);
        Assert.Equal(1, t.Bridge.Power.UsageCount);
    }

    [Fact]
    public void ParentCannotSuspendWhileAChildIsActive()
    {
        var t = CreateTree();
        Assert.Equal(0, t.Endpoint.Power.GetSync());
        t.Bed.RunWork();

        Assert.Equal(-Errno.EBUSY, t.Bridge.Power.Suspend());
        Assert.Equal(-Errno.EBUSY, t.Root.Power.Suspend());
        Assert.Equal(-Errno.EBUSY, t.Bridge.Power.Idle());
        Assert.Equal(-Errno.EBUSY, t.Bridge.Power.RequestIdle());

        Assert.Equal(RpmStatus.Active, t.Bridge.Power.Status);
        Assert.Equal(RpmStatus.Active, t.Root.Power.Status);
        Assert.DoesNotContain("suspend", t.BridgeCb.Calls);
        Assert.DoesNotContain("suspend", t.RootCb.Calls);
        Assert.DoesNotContain("idle", t.BridgeCb.Calls);
    }

    [Fact]
    public void SetActiveUnderAnEnabledSuspendedParentFailsWithEbusy()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("br", enable: true);
        var (child, _) = bed.Create("ep", parent); // disabled, so set_active is allowed

        Assert.Equal(-Errno.EBUSY, child.Power.SetActive());

        Assert.Equal(RpmStatus.Suspended, child.Power.Status);
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.Equal(1, child.Power.DisableDepth); // the temporary disable was undone
        Assert.Equal(new[] { "ep: runtime PM trying to activate child device ep but parent (br) is not active" }, bed.Warnings);
    }

    [Fact]
    public void SetActiveUnderAnActiveParentCountsTheChild()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("br", enable: true, active: true);
        var (child, _) = bed.Create("ep", parent);

        Assert.Equal(0, child.Power.SetActive());

        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Empty(bed.Warnings);

        Assert.Equal(0, child.Power.SetSuspended());
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.True(parent.Power.RequestPending); // the parent is told it may idle
    }

    [Fact]
    public void NoCallbacksChildUnderAnActiveParentDoesNotTouchTheParent()
    {
        var bed = new PmTestBed();
        var (parent, parentCb) = bed.Create("parent", enable: true);
        Assert.Equal(0, parent.Power.GetSync());
        bed.RunWork();
        var (child, childCb) = bed.Create("child", parent);
        child.Power.NoCallbacks();
        child.Power.Enable();
        bed.Transitions.Clear();

        Assert.Equal(1, child.Power.GetSync()); // the "assume success" path

        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(1, parent.Power.UsageCount); // never took a temporary parent reference
        Assert.Equal(new[] { "resume" }, parentCb.Calls);
        Assert.Empty(childCb.Calls);
        Assert.Equal(new[] { "child:Suspended->Active" }, Log(bed));

        Assert.Equal(0, child.Power.PutSync());
        Assert.Equal(RpmStatus.Suspended, child.Power.Status);
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.Empty(childCb.Calls);
    }

    [Fact]
    public void NoCallbacksChildUnderAnActiveParentResumesAtOnceEvenWhenAsked()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("parent", enable: true, active: true);
        var (child, _) = bed.Create("child", parent);
        child.Power.NoCallbacks();
        child.Power.Enable();

        // The no-callbacks shortcut comes before the RPM_ASYNC request: nothing is queued.
        Assert.Equal(1, child.Power.Get());

        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.False(child.Power.RequestPending);
        Assert.Equal(0, bed.Queue.PendingCount);
    }

    [Fact]
    public void UnusedNoCallbacksChildGoesStraightBackDownAfterAResume()
    {
        var bed = new PmTestBed();
        var (parent, _) = bed.Create("parent", enable: true, active: true);
        var (child, _) = bed.Create("child", parent);
        child.Power.NoCallbacks();
        child.Power.Enable();
        bed.Transitions.Clear();

        // resume → idle(ASYNC) → suspend: with no callbacks, even the async suspend completes on the spot.
        Assert.Equal(1, child.Power.Resume());

        Assert.Equal(RpmStatus.Suspended, child.Power.Status);
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.Equal(new[] { "child:Suspended->Active", "child:Active->Suspended" }, Log(bed));
    }

    [Fact]
    public void NoCallbacksChildUnderASuspendedParentResumesTheParentFirst()
    {
        var bed = new PmTestBed();
        var (parent, parentCb) = bed.Create("parent", enable: true);
        var (child, childCb) = bed.Create("child", parent);
        child.Power.NoCallbacks();
        child.Power.Enable();

        Assert.Equal(0, child.Power.GetSync());

        Assert.Equal(RpmStatus.Active, parent.Power.Status);
        Assert.Equal(RpmStatus.Active, child.Power.Status);
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(0, parent.Power.UsageCount);
        Assert.Equal(new[] { "resume" }, parentCb.Calls);
        Assert.Empty(childCb.Calls);
    }

    [Fact]
    public void ResumingAnActiveChildReturnsOneAndLeavesTheParentAlone()
    {
        var t = CreateTree();
        Assert.Equal(0, t.Endpoint.Power.GetSync());
        var transitions = t.Bed.Transitions.Count;

        Assert.Equal(1, t.Endpoint.Power.Resume());

        Assert.Equal(transitions, t.Bed.Transitions.Count);
        Assert.Equal(0, t.Bridge.Power.UsageCount);
        Assert.Equal(1, t.Bridge.Power.ChildCount);
        Assert.Single(t.BridgeCb.Calls);
    }

    [Fact]
    public void SiblingsKeepTheParentUpUntilTheLastOneSuspends()
    {
        var bed = new PmTestBed();
        var (parent, parentCb) = bed.Create("parent", enable: true);
        var (a, _) = bed.Create("a", parent, enable: true);
        var (b, _) = bed.Create("b", parent, enable: true);
        Assert.Equal(0, a.Power.GetSync());
        Assert.Equal(0, b.Power.GetSync());
        Assert.Equal(2, parent.Power.ChildCount);

        Assert.Equal(0, a.Power.PutSync());
        bed.RunWork();
        Assert.Equal(1, parent.Power.ChildCount);
        Assert.Equal(RpmStatus.Active, parent.Power.Status);

        Assert.Equal(0, b.Power.PutSync());
        bed.RunWork();
        Assert.Equal(0, parent.Power.ChildCount);
        Assert.Equal(RpmStatus.Suspended, parent.Power.Status);
        Assert.Equal(new[] { "resume", "idle", "suspend" }, parentCb.Calls);
    }
}
