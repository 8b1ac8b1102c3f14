using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The release-in-reverse loop over a collection held per element (<c>for (var i = locked.Count - 1; i &gt;= 0; i--)
/// locked[i].MemoryLock.UpWrite();</c>, hot reset's undo): its index is declared from the collection's last element,
/// so the first put leaves [0, i) held, and a loop test that fails before any put means the collection is empty.
/// </summary>
internal sealed class ReverseLoops
{
    private readonly FlowBody _body;
    private Dictionary<ILocalSymbol, string?>? _lastOf;

    public ReverseLoops(FlowBody body) => _body = body;

    /// <summary>The collection whose last element <paramref name="index"/> is declared as ("X.Count - 1"), or null.</summary>
    public string? CollectionCountingDown(ILocalSymbol index)
    {
        var lastOf = _lastOf;
        if (lastOf is null)
        {
            // Built whole, then published (read from several threads once the body is solved).
            lastOf = new Dictionary<ILocalSymbol, string?>(SymbolEqualityComparer.Default);
            var assigned = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            foreach (var op in ResourceKeys.Walk(_body.Cfg.OriginalOperation))
            {
                if (op is IVariableDeclaratorOperation { Initializer.Value: IBinaryOperation { OperatorKind: BinaryOperatorKind.Subtract } minus } declarator
                    && minus.RightOperand.ConstantValue is { HasValue: true, Value: 1 } && Unwrap(minus.LeftOperand) is IPropertyReferenceOperation { Property.Name: "Count" or "Length" } count
                    && _body.Keys.PathOf(count.Instance) is { } collection)
                {
                    lastOf[declarator.Symbol] = collection;
                }
                else if (op is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target })
                {
                    assigned.Add(target.Local); // started again from elsewhere: not this form
                }
            }

            foreach (var local in assigned)
            {
                lastOf.Remove(local);
            }

            _lastOf = lastOf;
        }

        return lastOf.TryGetValue(index, out var found) ? found : null;
    }

    private static IOperation Unwrap(IOperation op) => op is IConversionOperation c ? Unwrap(c.Operand) : op;
}
