using System.Collections.Generic;
using System.Linq;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>
/// CsCheck's "model" side of a parallel sample: the order in which it replays the operations (the sequential part,
/// then one permutation of the parallel part that keeps each thread's order). The segment explorer then decides
/// whether the model explains the run in that order.
/// </summary>
/// <typeparam name="TKind">The operation alphabet.</typeparam>
internal sealed class ModelHistory<TKind>
    where TKind : struct
{
    public List<HistoryOp<TKind>> Order { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Order.Select(o => o.Kind));
}
