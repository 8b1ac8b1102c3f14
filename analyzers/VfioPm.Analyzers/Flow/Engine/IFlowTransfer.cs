using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What a <see cref="FlowWorklist{TState}"/> needs from an analysis: the transfer of one basic block (its operations,
/// then its branch condition splitting the states over the successors), the join with its bound, and what to do with
/// the states that leave the method.
/// </summary>
/// <typeparam name="TState">One path's state (immutable, with value equality).</typeparam>
internal interface IFlowTransfer<TState>
{
    /// <summary>The state at method entry.</summary>
    TState Initial { get; }

    /// <summary>Applies <paramref name="block"/> to <paramref name="states"/>: the states per outgoing branch.</summary>
    IReadOnlyList<(ControlFlowBranch Branch, IReadOnlyCollection<TState> States)> Transfer(BasicBlock block, IReadOnlyCollection<TState> states);

    /// <summary>Joins <paramref name="arriving"/> into the set at <paramref name="ordinal"/>; true when it grew.</summary>
    bool Merge(HashSet<TState>?[] inStates, int ordinal, IEnumerable<TState> arriving);

    /// <summary>
    /// <paramref name="states"/> leave the method through <paramref name="branch"/> of <paramref name="source"/> (a
    /// return, the end of the body, or an exception no catch of this method handles), every enclosing finally run.
    /// </summary>
    void OnExit(IReadOnlyCollection<TState> states, BasicBlock source, ControlFlowBranch branch, IOperation? returned);
}
