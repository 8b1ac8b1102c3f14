using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// A deterministic runtime-PM world with one device: runtime PM enabled, status Suspended, usage count 0, driver
/// callbacks that succeed unless <see cref="ResumeResult"/> says otherwise; transitions and warnings recorded.
/// </summary>
public sealed class PmWorld
{
    public PmWorld()
    {
        Environment = PmEnvironment.CreateDeterministic();
        Environment.Transition += t => Transitions.Add(t);
        Environment.Warning += (d, m) => Warnings.Add(d.Name + ": " + m);
        Device = new Device("vfio0", null, Environment)
        {
            Driver = new RuntimePmOps
            {
                Suspend = _ => 0,
                Resume = _ =>
                {
                    Resumes++;
                    return ResumeResult;
                },
            },
        };
        Device.Power.Enable();
    }

    public PmEnvironment Environment { get; }

    public Device Device { get; }

    public RuntimePm Power => Device.Power;

    /// <summary>What the resume callback returns (0: success).</summary>
    public int ResumeResult { get; set; }

    /// <summary>Resume callbacks run so far.</summary>
    public int Resumes { get; private set; }

    public List<RpmTransition> Transitions { get; } = new();

    public List<string> Warnings { get; } = new();

    /// <summary>Runs queued PM work (the async idle after a put) until none is left.</summary>
    public void RunWork() => ((ManualPmWorkQueue)Environment.WorkQueue).RunUntilIdle();
}
