using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Which locals, parameters and member paths a body's value facts are kept for (<see cref="TrackedSubjects"/>), and
/// where each may still be read (<see cref="LiveSubjects"/>): fixed before solving, from the body's tests alone.
/// </summary>
internal sealed partial class FlowBody
{
    /// <summary>The subjects a condition tests (both sides of a comparison, the operand of a null test or a pattern).</summary>
    public void CollectTested(IOperation condition, List<ValueKey> into)
    {
        switch (condition)
        {
            case IConversionOperation c:
                CollectTested(c.Operand, into);
                return;
            case IParenthesizedOperation p:
                CollectTested(p.Operand, into);
                return;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                CollectTested(not.Operand, into);
                return;
            case IIsNullOperation isNull:
                AddSubject(isNull.Operand, into);
                return;
            case IIsPatternOperation pattern:
                AddSubject(pattern.Value, into);
                return;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.And or BinaryOperatorKind.Or } logical:
                CollectTested(logical.LeftOperand, into);
                CollectTested(logical.RightOperand, into);
                return;
            case IBinaryOperation binary:
                AddSubject(binary.LeftOperand, into);
                AddSubject(binary.RightOperand, into);
                return;
            default:
                if (condition.Type?.SpecialType == SpecialType.System_Boolean)
                {
                    AddSubject(condition, into);
                }

                return;
        }
    }

    private void AddSubject(IOperation op, List<ValueKey> into)
    {
        if (SubjectOf(op) is { } subject)
        {
            into.Add(subject);
        }
    }

    private HashSet<ValueKey>?[] FindLiveSubjects()
    {
        var blocks = Cfg.Blocks;
        var testedIn = new List<ValueKey>[blocks.Length];
        for (var i = 0; i < blocks.Length; i++)
        {
            var list = new List<ValueKey>();
            var block = blocks[i];
            if (block.BranchValue is { } value)
            {
                CollectTested(value, list);
                AddSubject(value, list);
            }

            foreach (var op in block.Operations)
            {
                foreach (var nested in ResourceKeys.Walk(op))
                {
                    // A step of an integer owning member reads its value: whether it sets, clears or moves nothing.
                    if (ContractForms.OwnershipStepOf(nested) is { } ownerStep)
                    {
                        AddSubject(ownerStep.Target, list);
                    }

                    // A copy reads its source's fact; a bool copy of a condition reads what the condition tests.
                    if (nested is IVariableDeclaratorOperation { Initializer: { } init })
                    {
                        CollectTested(init.Value, list);
                        AddSubject(init.Value, list);
                    }
                    else if (nested is ISimpleAssignmentOperation assignment)
                    {
                        CollectTested(assignment.Value, list);
                        AddSubject(assignment.Value, list);
                    }
                }
            }

            list.RemoveAll(k => !TrackedSubjects.Contains(k));
            if (InFinally(block))
            {
                // The end of a finally continues wherever the branch through it was going: keep everything live.
                list.AddRange(TrackedSubjects);
            }

            testedIn[i] = list;
        }

        var live = new HashSet<ValueKey>?[blocks.Length];
        var changed = true;
        for (var pass = 0; changed && pass < 50; pass++)
        {
            changed = false;
            for (var i = blocks.Length - 1; i >= 0; i--)
            {
                var set = live[i] ??= new HashSet<ValueKey>();
                var before = set.Count;
                set.UnionWith(testedIn[i]);
                foreach (var successor in Successors(blocks[i]))
                {
                    if (live[successor] is { } after)
                    {
                        set.UnionWith(after);
                    }
                }

                changed |= set.Count != before;
            }
        }

        return live;
    }

    private static bool InFinally(BasicBlock block)
    {
        for (var r = block.EnclosingRegion; r is not null; r = r.EnclosingRegion)
        {
            if (r.Kind == ControlFlowRegionKind.Finally)
            {
                return true;
            }
        }

        return false;
    }

    // Where control can go from a block: its branches, the finally regions they pass through, and the handlers of an
    // enclosing try (an exception can leave from anywhere in it).
    private static IEnumerable<int> Successors(BasicBlock block)
    {
        if (block.FallThroughSuccessor?.Destination is { } fall)
        {
            yield return fall.Ordinal;
        }

        if (block.ConditionalSuccessor?.Destination is { } conditional)
        {
            yield return conditional.Ordinal;
        }

        foreach (var branch in new[] { block.FallThroughSuccessor, block.ConditionalSuccessor })
        {
            if (branch is null)
            {
                continue;
            }

            foreach (var region in branch.FinallyRegions)
            {
                yield return region.FirstBlockOrdinal;
            }
        }

        for (var r = block.EnclosingRegion; r is not null; r = r.EnclosingRegion)
        {
            if (r.Kind == ControlFlowRegionKind.Try && r.EnclosingRegion is { } tryRegion)
            {
                foreach (var handler in tryRegion.NestedRegions)
                {
                    if (handler.Kind is ControlFlowRegionKind.Catch or ControlFlowRegionKind.FilterAndHandler or ControlFlowRegionKind.Finally)
                    {
                        yield return handler.FirstBlockOrdinal;
                    }
                }
            }
        }
    }

    private HashSet<ValueKey> FindTrackedSubjects()
    {
        var counts = new Dictionary<ValueKey, int>();
        var tested = new List<ValueKey>();
        var copies = new List<(ValueKey Target, ValueKey Source)>();
        var indexes = new HashSet<ValueKey>();
        var markers = new List<ValueKey>();
        var steppedOwners = new List<ValueKey>();
        foreach (var block in Cfg.Blocks)
        {
            if (block.ConditionKind != ControlFlowConditionKind.None && block.BranchValue is { } condition)
            {
                CollectTested(condition, tested);
            }
            else if (block.BranchValue is { } returned && Self.AcquiresPmOnSuccess && block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.Return)
            {
                AddSubject(returned, tested);
            }

            foreach (var op in block.BranchValue is null ? block.Operations : block.Operations.Add(block.BranchValue))
            {
                foreach (var nested in ResourceKeys.Walk(op))
                {
                    // A bool copied from a condition ("bool take = !flag;") is a test of what the condition reads, and
                    // the copy is a subject of its own.
                    var (target, value) = nested switch
                    {
                        ISimpleAssignmentOperation { Target: ILocalReferenceOperation t } a => (t.Local, a.Value),
                        IVariableDeclaratorOperation { Initializer: { } init } d => (d.Symbol, init.Value),
                        _ => (null, null),
                    };
                    if (target is not null && value is not null && SubjectOf(OffsetOperand(value, out _)) is { } source && Keys.AliasOf(target) is null)
                    {
                        copies.Add((ValueKey.Local(target), source));
                    }

                    // A local that names a foreach element ("failed = cur") is tested for null where the unwind starts.
                    if (target is not null && value is not null && ForEach.NamedElement(value) is not null)
                    {
                        markers.Add(ValueKey.Local(target));
                    }

                    // A stepped integer owning member ("open_count++"): the step's transfer depends on its value.
                    if (ContractForms.OwnershipStepOf(nested) is { } ownerStep && SubjectOf(ownerStep.Target) is { } stepped)
                    {
                        steppedOwners.Add(stepped);
                    }

                    // An element index ("devices[cur]") is a subject: the loop's bound and unwind are read through it.
                    if (ResourceKeys.ElementIndexOf(nested as IArrayElementReferenceOperation ?? (nested is IPropertyReferenceOperation { Property.IsIndexer: true } ? nested : null), CaptureLocals) is { } index)
                    {
                        indexes.Add(SubjectOfLocal(index));
                    }

                    if (target is { Type.SpecialType: SpecialType.System_Boolean } && value is not null && value.ConstantValue is not { HasValue: true })
                    {
                        var before = tested.Count;
                        CollectTested(value, tested);
                        if (tested.Count > before)
                        {
                            tested.Add(SubjectOfLocal(target));
                        }
                    }
                }
            }
        }

        foreach (var subject in tested)
        {
            counts[subject] = counts.TryGetValue(subject, out var n) ? n + 1 : 1;
        }

        var tracked = new HashSet<ValueKey>();
        foreach (var kv in counts)
        {
            if (kv.Value >= 2)
            {
                tracked.Add(kv.Key);
            }
        }

        tracked.UnionWith(indexes);
        tracked.UnionWith(markers);
        tracked.UnionWith(steppedOwners);
        IndexSubjects = indexes;

        // A tracked local copied from another subject ("parent = dev.Parent") takes that subject's fact at the copy:
        // the source is tracked too (twice, so a copy of a copy is followed).
        for (var pass = 0; pass < 2 && copies.Count > 0; pass++)
        {
            foreach (var (target, source) in copies)
            {
                if (tracked.Contains(target))
                {
                    tracked.Add(source);
                }
            }
        }

        return tracked;
    }
}
