using System;
using System.Collections.Generic;

namespace VfioPm.Runtime.Tests.Linearizability.Model;

/// <summary>
/// What a model operation yields between two of its atomic segments. An operation is written as an iterator: the code
/// between two yields runs atomically (under the power lock, or one lock-free atomic), and each yield is a point where
/// the kernel lets other CPUs in — the lock dropped around a callback or a parent's resume, or the gap between the
/// lock-free usage-count step and the locked state machine.
/// </summary>
internal enum ModelStep
{
    /// <summary>The segment before this yield is done and its effects are visible; others may run now.</summary>
    Boundary,

    /// <summary>
    /// The operation cannot go on in this state (a synchronous caller waiting for a transition in flight). Yielded only
    /// at the very start of a segment, so it changes nothing: the segment is tried again later.
    /// </summary>
    Wait,
}

/// <summary>The result slot of a model operation (iterators cannot have out parameters).</summary>
internal sealed class ResultCell
{
    public int Value;
}

/// <summary>Runs model operations to completion on one thread, the way a single caller sees them.</summary>
internal static class Sequential
{
    /// <summary>Runs <paramref name="steps"/> to the end; a <see cref="ModelStep.Wait"/> here would wait forever.</summary>
    public static void Run(IEnumerable<ModelStep> steps)
    {
        foreach (var step in steps)
        {
            if (step == ModelStep.Wait)
            {
                throw new InvalidOperationException("a lone caller would wait forever here: a transition is in flight with nobody to finish it");
            }
        }
    }
}
