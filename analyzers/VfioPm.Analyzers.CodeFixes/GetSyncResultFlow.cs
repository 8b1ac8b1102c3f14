using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// Decides whether one <c>GetSync()</c> call can become <c>ResumeAndGet()</c> without changing any success path, and
/// which puts then go. The two differ in exactly two ways: on failure ResumeAndGet drops the reference itself, and on
/// success it returns 0 where GetSync returns 1 for an already active device. So the rewrite is sound when, on every
/// path from the call, (a) the result is read only by sign tests (<c>&lt; 0</c>, <c>&gt;= 0</c>) until the path is known
/// to be the failure path or the variable is overwritten, and (b) every put of the same device reached after the call is
/// reached only on failure paths (it goes: ResumeAndGet has done it) or only on success paths (it stays).
/// </summary>
/// <remarks>
/// A forward walk over the control-flow graph with a six-value state per path: the phase (sign not yet tested, failure,
/// success) and whether the tracked local still holds the call's result. Every block is visited at most once per
/// state, so the walk is linear in the graph.
/// </remarks>
internal sealed class GetSyncResultFlow
{
    private const int Unknown = 0;
    private const int Failure = 1;
    private const int Success = 2;

    private readonly SyntaxNode _call;
    private readonly string _device;
    private readonly CancellationToken _cancellation;
    private readonly Dictionary<SyntaxNode, int> _putPhases = new();
    private ControlFlowGraph? _graph;
    private ILocalSymbol? _local;
    private bool _unsafe;

    // Flow captures of the tracked local (a switch statement reads its governing value once into a capture): a read of
    // the capture is a read of the local.
    private readonly HashSet<CaptureId> _captures = new();

    private GetSyncResultFlow(SyntaxNode call, string device, CancellationToken cancellation)
    {
        _call = call;
        _device = device;
        _cancellation = cancellation;
    }

    /// <summary>The puts to delete (statements), or null when the rewrite could change a success path.</summary>
    public static IReadOnlyList<SyntaxNode>? PutsToRemove(ControlFlowGraph graph, SyntaxNode call, string device, CancellationToken cancellation)
    {
        var flow = new GetSyncResultFlow(call, device, cancellation);
        if (!flow.Walk(graph))
        {
            return null;
        }

        var removed = new List<SyntaxNode>();
        foreach (var kv in flow._putPhases)
        {
            var phases = kv.Value;
            if ((phases & (1 << Unknown)) != 0 || phases == ((1 << Failure) | (1 << Success)))
            {
                return null; // a put that both kinds of path (or a path before the test) run: neither keeping nor removing it is right
            }

            if (phases == 1 << Failure)
            {
                removed.Add(kv.Key);
            }
        }

        return removed;
    }

    // States are (phase * 2 + holds): holds = the tracked local still has the call's result.
    private bool Walk(ControlFlowGraph graph)
    {
        _graph = graph;
        var start = FindCall(graph);
        if (start is null)
        {
            return false;
        }

        var seen = new Dictionary<BasicBlock, int>();
        var work = new Stack<(BasicBlock Block, int From, int State)>();
        var (startBlock, startIndex) = start.Value;
        work.Push((startBlock, startIndex, -1));
        while (work.Count > 0 && !_unsafe)
        {
            _cancellation.ThrowIfCancellationRequested();
            var (block, from, state) = work.Pop();
            foreach (var (next, nextState) in Run(block, from, state))
            {
                if (next.Ordinal < 0)
                {
                    continue;
                }

                var bit = 1 << nextState;
                seen.TryGetValue(next, out var mask);
                if ((mask & bit) == 0)
                {
                    seen[next] = mask | bit;
                    work.Push((next, 0, nextState));
                }
            }
        }

        return !_unsafe;
    }

    private (BasicBlock Block, int Index)? FindCall(ControlFlowGraph graph)
    {
        foreach (var block in graph.Blocks)
        {
            for (var i = 0; i < block.Operations.Length; i++)
            {
                if (Contains(block.Operations[i], _call))
                {
                    return (block, i);
                }
            }

            if (block.BranchValue is { } branch && Contains(branch, _call))
            {
                return (block, block.Operations.Length);
            }
        }

        return null;
    }

    private static bool Contains(IOperation operation, SyntaxNode syntax) =>
        operation.Syntax.Span.Contains(syntax.Span) && Descendants(operation).Any(o => o is IInvocationOperation && o.Syntax == syntax);

    // Runs one block from operation 'from' (state -1: 'from' is the call's own operation, which starts the walk).
    private List<(BasicBlock, int)> Run(BasicBlock block, int from, int state)
    {
        for (var i = from; i < block.Operations.Length; i++)
        {
            state = Step(block.Operations[i], state);
        }

        var fallThrough = state;
        var conditional = state;
        if (block.BranchValue is { } value)
        {
            state = Step(value, state, isBranchValue: true);
            fallThrough = conditional = state;
            if (state >= 0 && block.ConditionKind != ControlFlowConditionKind.None && state / 2 == Unknown && SignTestPolarity(value, state) is { } trueOnFailure)
            {
                var conditionalFails = trueOnFailure == (block.ConditionKind == ControlFlowConditionKind.WhenTrue);
                conditional = ((conditionalFails ? Failure : Success) * 2) + (state & 1);
                fallThrough = ((conditionalFails ? Success : Failure) * 2) + (state & 1);
            }
        }

        var results = new List<(BasicBlock, int)>();
        Follow(block.FallThroughSuccessor, fallThrough, results);
        Follow(block.ConditionalSuccessor, conditional, results);
        return results;
    }

    private void Follow(ControlFlowBranch? branch, int state, List<(BasicBlock, int)> results)
    {
        if (branch is null || state < 0)
        {
            return;
        }

        // A finally runs on the way out: its puts are reached by this path too.
        foreach (var region in branch.FinallyRegions)
        {
            results.Add((_graph!.Blocks[region.FirstBlockOrdinal], state));
        }

        if (branch.Destination is { } destination)
        {
            results.Add((destination, state));
        }
    }

    // One operation's effect on the state; marks the walk unsafe when the operation reads the result in a way that
    // could tell 0 from 1, or uses the call's value other than by storing, discarding or sign-testing it.
    private int Step(IOperation operation, int state, bool isBranchValue = false)
    {
        if (state < 0 || Contains(operation, _call))
        {
            state = Start(operation, isBranchValue);
            if (state < 0)
            {
                return state;
            }
        }

        foreach (var op in Descendants(operation))
        {
            switch (op)
            {
                case ILocalReferenceOperation read when _local is not null && SymbolEqualityComparer.Default.Equals(read.Local, _local) && !IsWriteTarget(read):
                    if (read.Parent is IFlowCaptureOperation capture)
                    {
                        _captures.Add(capture.Id);
                    }
                    else if ((state & 1) == 1 && state / 2 != Failure && !IsSignTest(read))
                    {
                        _unsafe = true;
                    }

                    break;
                case IFlowCaptureReferenceOperation captured when _captures.Contains(captured.Id):
                    if ((state & 1) == 1 && state / 2 != Failure && !IsSignTest(captured))
                    {
                        _unsafe = true;
                    }

                    break;
                case IInvocationOperation put when IsPutOfDevice(put):
                    var statement = put.Syntax.Parent as Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax;
                    var phase = 1 << (state / 2);
                    if (statement is null)
                    {
                        // A put whose result is used cannot be deleted; it is only fine where it stays.
                        if (state / 2 != Success)
                        {
                            _unsafe = true;
                        }

                        break;
                    }

                    _putPhases.TryGetValue(statement, out var phases);
                    _putPhases[statement] = phases | phase;
                    break;
            }
        }

        // An assignment to the local (not the call's own) replaces the result.
        if (_local is not null && !Contains(operation, _call))
        {
            foreach (var op in Descendants(operation))
            {
                if (op is IAssignmentOperation { Target: ILocalReferenceOperation target } && SymbolEqualityComparer.Default.Equals(target.Local, _local))
                {
                    state &= ~1;
                }
            }
        }

        return state;
    }

    // The call's own operation: what it does with the result decides the tracked local.
    private int Start(IOperation operation, bool isBranchValue)
    {
        var call = Descendants(operation).OfType<IInvocationOperation>().First(o => o.Syntax == _call);
        var use = UseOf(call);
        switch (use.Parent)
        {
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when assignment.Value == use && (assignment.Parent is IExpressionStatementOperation || assignment.Parent is null):
                _local = target.Local;
                return (Unknown * 2) + 1;
            case IExpressionStatementOperation:
                return Unknown * 2;
            case IBinaryOperation or IIsPatternOperation when isBranchValue && IsSignTest(use):
                return Unknown * 2;
            case null when !isBranchValue:
                return Unknown * 2; // the CFG's own statement for a discarded call
            default:
                _unsafe = true;
                return -1;
        }
    }

    private bool IsPutOfDevice(IInvocationOperation invocation) =>
        invocation.Instance is { } instance
        && invocation.TargetMethod.GetAttributes().Any(a => a.AttributeClass is { Name: "ReleasesPmReferenceAttribute" } c && c.ContainingNamespace?.ToDisplayString() == "VfioPm.Annotations")
        && Normalize(instance.Syntax.ToString()) == _device;

    /// <summary>The receiver text as compared between the get and its puts.</summary>
    public static string Normalize(string text) => new(text.Where(c => !char.IsWhiteSpace(c)).ToArray());

    private static bool IsWriteTarget(ILocalReferenceOperation read) =>
        read.Parent is ISimpleAssignmentOperation assignment && assignment.Target == read;

    // The sign of the call's result (or of the tracked local) tested against 0: "x < 0", "0 > x", "x >= 0", "0 <= x",
    // "x is < 0", "x is >= 0". Returns whether the test is true on failure, or null when the operand is not tested so.
    private bool? SignTestPolarity(IOperation branchValue, int state)
    {
        var value = Strip(branchValue);
        var operand = value switch
        {
            IBinaryOperation b when IsZero(b.RightOperand) => Strip(b.LeftOperand),
            IBinaryOperation b when IsZero(b.LeftOperand) => Strip(b.RightOperand),
            IIsPatternOperation p => Strip(p.Value),
            _ => null,
        };
        var tracked = operand is IInvocationOperation invocation && invocation.Syntax == _call
            || (operand is ILocalReferenceOperation local && (state & 1) == 1 && SymbolEqualityComparer.Default.Equals(local.Local, _local))
            || (operand is IFlowCaptureReferenceOperation captured && (state & 1) == 1 && _captures.Contains(captured.Id));
        return tracked ? Polarity(value) : null;
    }

    private static bool IsSignTest(IOperation operand) => UseOf(operand).Parent is { } test && Polarity(test) is not null;

    private static bool? Polarity(IOperation test) => test switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } b when IsZero(b.RightOperand) => true,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThanOrEqual } b when IsZero(b.RightOperand) => false,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.GreaterThan } b when IsZero(b.LeftOperand) => true,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThanOrEqual } b when IsZero(b.LeftOperand) => false,
        IIsPatternOperation { Pattern: IRelationalPatternOperation { OperatorKind: BinaryOperatorKind.LessThan } r } when IsZero(r.Value) => true,
        IIsPatternOperation { Pattern: IRelationalPatternOperation { OperatorKind: BinaryOperatorKind.GreaterThanOrEqual } r } when IsZero(r.Value) => false,
        _ => null,
    };

    private static bool IsZero(IOperation operation) => Strip(operation).ConstantValue is { HasValue: true, Value: 0 };

    // The operand under implicit conversions and parentheses.
    private static IOperation Strip(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } c:
                    operation = c.Operand;
                    break;
                case IParenthesizedOperation p:
                    operation = p.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    // The outermost implicit conversion or parenthesis around an operand: its parent is what uses the value.
    private static IOperation UseOf(IOperation operation)
    {
        while (operation.Parent is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    private static IEnumerable<IOperation> Descendants(IOperation root)
    {
        var stack = new Stack<IOperation>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var op = stack.Pop();
            yield return op;
            if (op is IFlowAnonymousFunctionOperation)
            {
                continue; // a lambda's body runs elsewhere
            }

            foreach (var child in op.ChildOperations)
            {
                stack.Push(child);
            }
        }
    }
}
