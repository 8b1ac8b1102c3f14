using System.Collections.Generic;
using VfioPm.Runtime.Power;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>One handler call seen by a test driver.</summary>
/// <param name="Handler">The handler's name.</param>
/// <param name="UsageCount">The [PmDevice]'s usage count while the handler ran.</param>
/// <param name="Status">The [PmDevice]'s runtime-PM status while the handler ran.</param>
/// <param name="Flags">The feature flags (features only).</param>
/// <param name="Length">The length of the span the handler received.</param>
/// <param name="Offset">The offset the handler received (regions only).</param>
public sealed record HandlerCall(string Handler, int UsageCount, RpmStatus Status, uint Flags, int Length, long Offset);

/// <summary>Handlers of run-time-compiled test drivers record their calls here and return <see cref="Result"/>.</summary>
public sealed class HandlerLog
{
    /// <summary>The calls, in order.</summary>
    public List<HandlerCall> Calls { get; } = new();

    /// <summary>What every handler returns (a value no dispatcher path produces by itself).</summary>
    public int Result { get; set; } = 4242;

    /// <summary>Records a call and returns <see cref="Result"/>.</summary>
    public int Record(string handler, RuntimePm pm, uint flags, int length, long offset)
    {
        Calls.Add(new HandlerCall(handler, pm.UsageCount, pm.Status, flags, length, offset));
        return Result;
    }
}
