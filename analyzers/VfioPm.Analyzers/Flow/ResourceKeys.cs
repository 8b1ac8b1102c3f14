using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// Names the object a contract talks about by its access path ("this.Device.Pdev.Power", "gpu.Power"), so two calls on
/// the same expression meet. Locals assigned once from a path are aliases of that path. No points-to analysis:
/// anything that is not a path (a call result, an indexer) is not tracked.
/// </summary>
internal sealed class ResourceKeys
{
    private readonly Dictionary<ILocalSymbol, string> _aliases;
    private readonly Dictionary<ILocalSymbol, ILocalSymbol> _elementCopies;

    public ResourceKeys(Dictionary<ILocalSymbol, string> aliases)
        : this(aliases, new Dictionary<ILocalSymbol, ILocalSymbol>(SymbolEqualityComparer.Default))
    {
    }

    private ResourceKeys(Dictionary<ILocalSymbol, string> aliases, Dictionary<ILocalSymbol, ILocalSymbol> elementCopies)
    {
        _aliases = aliases;
        _elementCopies = elementCopies;
    }

    /// <summary>The keys of a body: its aliases (<see cref="FindAliases"/>), element copies included.</summary>
    public static ResourceKeys For(IEnumerable<IOperation> operations)
    {
        var copies = new Dictionary<ILocalSymbol, ILocalSymbol>(SymbolEqualityComparer.Default);
        return new ResourceKeys(FindAliases(operations, copies), copies);
    }

    /// <summary>
    /// For a local that is a copy of one element of a collection ("drvdata = per_cpu(debug_drvdata, cpu)",
    /// "var d = devices[i];"): the index local the element is read by, or null.
    /// </summary>
    public ILocalSymbol? ElementIndexOfCopy(ILocalSymbol local) => _elementCopies.TryGetValue(local, out var index) ? index : null;

    /// <summary>The path a local assigned once from a plain access path stands for, or null.</summary>
    public string? AliasOf(ILocalSymbol local) => _aliases.TryGetValue(local, out var alias) ? alias : null;

    /// <summary>The path of <paramref name="operation"/>, or <see langword="null"/> if it is not a plain access path.</summary>
    public string? PathOf(IOperation? operation, IReadOnlyDictionary<CaptureId, string>? captures = null)
    {
        switch (operation)
        {
            case null:
                return null;
            case IInstanceReferenceOperation:
                return "this";
            case IParameterReferenceOperation p:
                return p.Parameter.Name;
            case ILocalReferenceOperation l:
                return _aliases.TryGetValue(l.Local, out var alias) ? alias : l.Local.Name;
            case IFieldReferenceOperation f:
                return f.Field.IsStatic ? f.Field.ContainingType.Name + "." + f.Field.Name : Join(PathOf(f.Instance, captures), f.Field.Name);
            case IPropertyReferenceOperation pr when pr.Arguments.Length == 0:
                return pr.Property.IsStatic ? pr.Property.ContainingType.Name + "." + pr.Property.Name : Join(PathOf(pr.Instance, captures), pr.Property.Name);
            case IArrayElementReferenceOperation { Indices.Length: 1 } element when ElementSuffix(element.Indices[0]) is { } elementSuffix:
                return Join(PathOf(element.ArrayReference, captures), elementSuffix);
            case IPropertyReferenceOperation { Arguments.Length: 1, Property.IsIndexer: true } indexer when indexer.Instance is not null && ElementSuffix(indexer.Arguments[0].Value) is { } indexerSuffix:
                return Join(PathOf(indexer.Instance, captures), indexerSuffix);
            case IConversionOperation c:
                return PathOf(c.Operand, captures);
            case IParenthesizedOperation paren:
                return PathOf(paren.Operand, captures);
            case IFlowCaptureReferenceOperation cap when captures is not null && captures.TryGetValue(cap.Id, out var captured):
                return captured;
            default:
                return null;
        }
    }

    /// <summary>
    /// The key a contract target names: <see langword="null"/> target = the receiver's path; a parameter name = that
    /// argument's path; anything else = a member path under the receiver ("Pdev.Power").
    /// </summary>
    public string? KeyFor(IInvocationOperation invocation, string? target, IReadOnlyDictionary<CaptureId, string>? captures)
    {
        var receiver = invocation.Instance;
        if (target is null && receiver is null && StaticDeviceBinding.NeedsBinding(invocation.TargetMethod))
        {
            // A static method's contract is on its single device parameter (StaticDeviceBinding).
            target = StaticDeviceBinding.TargetFor(invocation.TargetMethod.OriginalDefinition, out _);
        }

        if (target is null)
        {
            return receiver is null ? null : PathOf(receiver, captures);
        }

        // "device.Power": a path under a parameter.
        var head = target;
        var rest = string.Empty;
        var dot = target.IndexOf('.');
        if (dot > 0)
        {
            head = target.Substring(0, dot);
            rest = target.Substring(dot);
        }

        var headName = ElementPaths.MemberName(head);
        if (headName.Length < head.Length)
        {
            // "members[].Pdev": the argument's path, then every element.
            rest = head.Substring(headName.Length) + rest;
            head = headName;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == head)
            {
                var argPath = PathOf(argument.Value, captures);
                return argPath is null ? null : argPath + rest;
            }
        }

        var basePath = receiver is null ? invocation.TargetMethod.ContainingType.Name : PathOf(receiver, captures);
        return basePath is null ? null : basePath + "." + target;
    }

    /// <summary>How a key reads in a message: without the implicit "this.".</summary>
    public static string Display(string key) => key.StartsWith("this.", System.StringComparison.Ordinal) ? key.Substring(5) : key;

    /// <summary>
    /// Locals assigned exactly once, from a plain access path, are aliases of that path. A local declared in a loop
    /// body from one element read by an index local the body never writes ("var d = devices[i];") is an alias of
    /// every element ("devices[]"), and <paramref name="elementCopies"/> records the index it was read by, so the
    /// per-element holds treat calls through it as calls on that element.
    /// </summary>
    public static Dictionary<ILocalSymbol, string> FindAliases(IEnumerable<IOperation> operations, Dictionary<ILocalSymbol, ILocalSymbol>? elementCopies = null)
    {
        var assignments = new Dictionary<ILocalSymbol, int>(SymbolEqualityComparer.Default);
        var initial = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);
        foreach (var root in operations)
        {
            foreach (var op in Walk(root))
            {
                if (op is IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } && op.Parent is IIsPatternOperation isPattern)
                {
                    assignments[declared] = assignments.TryGetValue(declared, out var n0) ? n0 + 1 : 1;
                    initial[declared] = isPattern.Value;
                }
                else if (op is IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol declaredRec } && op.Parent is IIsPatternOperation isRec)
                {
                    assignments[declaredRec] = assignments.TryGetValue(declaredRec, out var n1) ? n1 + 1 : 1;
                    initial[declaredRec] = isRec.Value;
                }
                else if (op is ICompoundAssignmentOperation { Target: ILocalReferenceOperation } or IIncrementOrDecrementOperation { Target: ILocalReferenceOperation })
                {
                    // "j--" changes what j holds: a local that is stepped is no alias of where it started.
                    var local = op is ICompoundAssignmentOperation c ? ((ILocalReferenceOperation)c.Target).Local : ((ILocalReferenceOperation)((IIncrementOrDecrementOperation)op).Target).Local;
                    assignments[local] = assignments.TryGetValue(local, out var n2) ? n2 + 2 : 2;
                }
                else if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment)
                {
                    assignments[target.Local] = assignments.TryGetValue(target.Local, out var n) ? n + 1 : 1;
                    initial[target.Local] = assignment.Value;
                }
                else if (op is IVariableDeclaratorOperation { Initializer: { } init } declarator)
                {
                    assignments[declarator.Symbol] = assignments.TryGetValue(declarator.Symbol, out var n) ? n + 1 : 1;
                    initial[declarator.Symbol] = init.Value;
                }
            }
        }

        var aliases = new Dictionary<ILocalSymbol, string>(SymbolEqualityComparer.Default);
        var keys = new ResourceKeys(aliases);
        // Twice, so a local copied from an aliased local ("parent = p") resolves too.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var kv in initial)
            {
                // A copy of a local that changes later ("var j = i; … i++") is a snapshot, not an alias.
                if (assignments[kv.Key] == 1 && Unwrap(kv.Value) is IFieldReferenceOperation or IPropertyReferenceOperation or IParameterReferenceOperation or ILocalReferenceOperation
                    && !(Unwrap(kv.Value) is ILocalReferenceOperation source && assignments.TryGetValue(source.Local, out var sourceAssignments) && sourceAssignments > 1))
                {
                    var path = keys.PathOf(Unwrap(kv.Value));
                    if (path is not null && path != kv.Key.Name)
                    {
                        aliases[kv.Key] = path;
                    }
                }
                else if (elementCopies is not null && assignments[kv.Key] == 1 && ElementCopyIndex(kv.Key, kv.Value) is { } index)
                {
                    var path = keys.PathOf(Unwrap(kv.Value));
                    if (path is not null)
                    {
                        aliases[kv.Key] = path;
                        elementCopies[kv.Key] = index;
                    }
                }
            }
        }

        return aliases;
    }

    // The index local of "local = collection[index]" when the copy is declared in a loop body that never writes the
    // index (so every use of the copy in the body names the element the index names), or null.
    private static ILocalSymbol? ElementCopyIndex(ILocalSymbol local, IOperation value)
    {
        var index = Unwrap(value) switch
        {
            IArrayElementReferenceOperation { Indices.Length: 1 } element => Unwrap(element.Indices[0]) as ILocalReferenceOperation,
            IPropertyReferenceOperation { Arguments.Length: 1, Property.IsIndexer: true, Instance: not null } indexer => Unwrap(indexer.Arguments[0].Value) as ILocalReferenceOperation,
            _ => null,
        };
        if (index is null || SymbolEqualityComparer.Default.Equals(index.Local, local))
        {
            return null;
        }

        var body = value.Syntax.Ancestors().FirstOrDefault(a => a is StatementSyntax && a.Parent is ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
        if (body is null || !local.DeclaringSyntaxReferences.Any(r => body.Span.Contains(r.Span)))
        {
            return null;
        }

        var name = index.Local.Name;
        foreach (var node in body.DescendantNodes())
        {
            var written = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression) => postfix.Operand,
                PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression) => prefix.Operand,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => argument.Expression,
                _ => null,
            };
            if (written is IdentifierNameSyntax { Identifier.ValueText: var writtenName } && writtenName == name)
            {
                return null;
            }
        }

        return index.Local;
    }

    private static IOperation Unwrap(IOperation op) => op is IConversionOperation c ? Unwrap(c.Operand) : op;

    private static string? Join(string? head, string name) => head is null ? null : name.StartsWith("[", System.StringComparison.Ordinal) ? head + name : head + "." + name;

    // "[0]" for a constant index (that element, counted like any path); "[]" for an index local (every element, see
    // ElementHold); null otherwise (not tracked).
    private static string? ElementSuffix(IOperation index) =>
        index.ConstantValue is { HasValue: true, Value: int constant } ? "[" + constant + "]"
        : Unwrap(index) is ILocalReferenceOperation or IFlowCaptureReferenceOperation ? "[]"
        : null;

    /// <summary>
    /// The index local of the element access an invocation's receiver chain goes through ("devices[cur].Pdev.Power"
    /// → cur), or null.
    /// </summary>
    public static ILocalSymbol? ElementIndexOf(IOperation? receiver, IReadOnlyDictionary<CaptureId, ILocalSymbol>? captureLocals, IReadOnlyDictionary<CaptureId, List<IFlowCaptureOperation>>? captureDefinitions = null, ResourceKeys? keys = null)
    {
        for (var op = receiver; op is not null;)
        {
            switch (op)
            {
                case ILocalReferenceOperation copy when keys?.ElementIndexOfCopy(copy.Local) is { } copiedIndex:
                    return copiedIndex;
                case IFlowCaptureReferenceOperation captured when captureDefinitions is not null && captureDefinitions.TryGetValue(captured.Id, out var definitions) && definitions.Count == 1:
                    op = definitions[0].Value;
                    break;
                case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                    return LocalOf(element.Indices[0], captureLocals);
                case IPropertyReferenceOperation { Arguments.Length: 1, Property.IsIndexer: true } indexer:
                    return LocalOf(indexer.Arguments[0].Value, captureLocals);
                case IPropertyReferenceOperation property:
                    op = property.Instance;
                    break;
                case IFieldReferenceOperation field:
                    op = field.Instance;
                    break;
                case IConversionOperation conversion:
                    op = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    op = parenthesized.Operand;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private static ILocalSymbol? LocalOf(IOperation op, IReadOnlyDictionary<CaptureId, ILocalSymbol>? captureLocals) => Unwrap(op) switch
    {
        ILocalReferenceOperation l => l.Local,
        IFlowCaptureReferenceOperation cr when captureLocals is not null && captureLocals.TryGetValue(cr.Id, out var local) => local,
        _ => null,
    };

    // A walk's stack, kept per thread between walks (every gate and the dataflow walk whole bodies).
    [ThreadStatic]
    private static Stack<IOperation>? t_walkStack;

    /// <summary>Every operation under <paramref name="root"/>, parents first.</summary>
    public static IEnumerable<IOperation> Walk(IOperation root)
    {
        var stack = t_walkStack ?? new Stack<IOperation>();
        t_walkStack = null; // a walk nested in this one gets its own
        try
        {
            stack.Push(root);
            while (stack.Count > 0)
            {
                var op = stack.Pop();
                yield return op;
                foreach (var child in op.ChildOperations)
                {
                    stack.Push(child);
                }
            }
        }
        finally
        {
            stack.Clear();
            t_walkStack = stack;
        }
    }
}
