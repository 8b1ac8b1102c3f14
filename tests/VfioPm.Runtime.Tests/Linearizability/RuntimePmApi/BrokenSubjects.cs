using System.Reflection;
using System.Threading;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.Linearizability.RuntimePmApi;

/// <summary>
/// The real runtime with its put replaced by one that reads and writes the usage count non-atomically (a load, a
/// pause, a store), then goes on to the real locked idle when it wrote 0. Sequentially it is indistinguishable from
/// <see cref="RuntimePm.Put"/>; two puts that overlap lose one decrement.
/// </summary>
internal sealed class NonAtomicPutSubject : RpmSubject
{
    private static readonly FieldInfo UsageCount = Private<FieldInfo>(typeof(RuntimePm).GetField("_usageCount", BindingFlags.NonPublic | BindingFlags.Instance));
    private static readonly MethodInfo IdleLocked = Private<MethodInfo>(typeof(RuntimePm).GetMethod("IdleLocked", BindingFlags.NonPublic | BindingFlags.Instance));

    public NonAtomicPutSubject(bool suspended, bool threadPool = false)
        : base(suspended, threadPool)
    {
    }

    protected override int Call(RpmOpKind kind) => kind switch
    {
        RpmOpKind.Put => BrokenPut(RpmFlags.GetPut | RpmFlags.Async),
        RpmOpKind.PutSync => BrokenPut(RpmFlags.GetPut),
        _ => base.Call(kind),
    };

    private int BrokenPut(RpmFlags flags)
    {
        var seen = (int)UsageCount.GetValue(Pm)!;
        if (seen == 0)
        {
            return base.Call(flags == RpmFlags.GetPut ? RpmOpKind.PutSync : RpmOpKind.Put); // the real underflow refusal
        }

        WaitForAnotherCall(); // the window a preemption could open, held open until another thread's call went through it
        UsageCount.SetValue(Pm, seen - 1);
        return seen - 1 > 0 ? 0 : (int)IdleLocked.Invoke(Pm, new object[] { flags })!;
    }

    // Holds the window open until a call on another thread completes (at most 50 ms: there may be none left), so a run
    // meets the bug whatever the machine's scheduling.
    private void WaitForAnotherCall()
    {
        var seen = Completed;
        var deadline = System.Environment.TickCount64 + 50;
        while (Completed == seen && System.Environment.TickCount64 < deadline)
        {
            Thread.Sleep(0);
        }
    }

    internal static T Private<T>(T? member)
        where T : MemberInfo =>
        member ?? throw new System.InvalidOperationException("a private member of RuntimePm was renamed: update the broken variant");
}

/// <summary>
/// The real runtime with the lock-free get's two steps swapped: it reads the fast-path gate first and raises the usage
/// count after (the Dekker pair of RuntimePm.FastPath.cs without its ordering). A suspend that closes the gate and
/// reads the count between the two can suspend a device a getter is about to be told is active.
/// </summary>
internal sealed class UnfencedFastPathSubject : RpmSubject
{
    private static readonly MethodInfo ResumeLocked = NonAtomicPutSubject.Private<MethodInfo>(typeof(RuntimePm).GetMethod("ResumeLocked", BindingFlags.NonPublic | BindingFlags.Instance));

    public UnfencedFastPathSubject(bool suspended)
        : base(suspended)
    {
    }

    protected override int Call(RpmOpKind kind) => kind switch
    {
        RpmOpKind.GetSync => BrokenGet(andGet: false),
        RpmOpKind.ResumeAndGet => BrokenGet(andGet: true),
        _ => base.Call(kind),
    };

    /// <summary>What happens between the gate read and the increment: by default a 1 ms pause; a test may schedule a suspend there.</summary>
    public System.Action Window { get; set; } = () => Thread.Sleep(1);

    private int BrokenGet(bool andGet)
    {
        var open = Pm.FastPathOpen;
        Window();
        Pm.GetNoResume();
        var result = open ? 1 : (int)ResumeLocked.Invoke(Pm, new object[] { RpmFlags.GetPut })!;
        if (!andGet)
        {
            return result;
        }

        if (result < 0)
        {
            Pm.PutNoIdle();
            return result;
        }

        return 0;
    }
}
