using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.TestKit;

/// <summary>A trace sink that keeps every event, for assertions.</summary>
public sealed class RpmTraceLog : IRpmTraceSink
{
    private readonly List<RpmTraceEvent> _events = new();

    public IReadOnlyList<RpmTraceEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>Each event's ftrace body ("rpm_resume: gpu flags-4 cnt-1  ..."), in order.</summary>
    public IReadOnlyList<string> Lines => Events.Select(e => $"{e.Name}: {RpmTraceFormat.Fields(e)}").ToArray();

    public void Write(in RpmTraceEvent traceEvent)
    {
        lock (_events)
        {
            _events.Add(traceEvent);
        }
    }

    public void Clear()
    {
        lock (_events)
        {
            _events.Clear();
        }
    }
}
