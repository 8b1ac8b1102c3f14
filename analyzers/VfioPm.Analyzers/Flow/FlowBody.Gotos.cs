using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// The gotos of a body, so that a leak entering the kernel's shared unwind chain ("goto out_disable_pm") can be reported
/// at the goto that skipped the put rather than at the return every path of the chain shares.
/// </summary>
internal sealed partial class FlowBody
{
    private Dictionary<string, List<GotoStatementSyntax>>? _gotos;
    private readonly Dictionary<(int Source, bool Conditional), SyntaxNode?> _gotoOfBranch = new();

    /// <summary>
    /// The goto statement <paramref name="branch"/> of <paramref name="source"/> stands for, or null: a branch into the
    /// block a labelled statement starts that is not the fall-through into it from the statement before, taken from the
    /// nearest goto to that label after the source block's last operation.
    /// </summary>
    public SyntaxNode? GotoOf(BasicBlock source, ControlFlowBranch branch)
    {
        var key = (source.Ordinal, branch.IsConditionalSuccessor);
        if (!_gotoOfBranch.TryGetValue(key, out var jump))
        {
            _gotoOfBranch[key] = jump = FindGotoOf(source, branch);
        }

        return jump;
    }

    private SyntaxNode? FindGotoOf(BasicBlock source, ControlFlowBranch branch)
    {
        if (branch.Destination is not { } destination || branch.Semantics != ControlFlowBranchSemantics.Regular
            || (!branch.IsConditionalSuccessor && destination.Ordinal == source.Ordinal + 1))
        {
            return null;
        }

        var first = destination.Operations.FirstOrDefault()?.Syntax ?? destination.BranchValue?.Syntax;
        if (first?.AncestorsAndSelf().OfType<StatementSyntax>().FirstOrDefault() is not { } statement
            || statement.Parent is not LabeledStatementSyntax labeled || labeled.Statement != statement)
        {
            return null;
        }

        _gotos ??= FindGotos();
        if (!_gotos.TryGetValue(labeled.Identifier.ValueText, out var gotos))
        {
            return null;
        }

        var after = source.Operations.Select(o => o.Syntax.Span.End).Concat(source.BranchValue is { } value ? new[] { value.Syntax.Span.End } : new int[0]).DefaultIfEmpty(-1).Max();
        return after < 0 ? null : gotos.Where(g => g.SpanStart >= after).OrderBy(g => g.SpanStart).FirstOrDefault();
    }

    private Dictionary<string, List<GotoStatementSyntax>> FindGotos()
    {
        var gotos = new Dictionary<string, List<GotoStatementSyntax>>();
        foreach (var jump in Cfg.OriginalOperation.Syntax.DescendantNodes().OfType<GotoStatementSyntax>())
        {
            if (jump.IsKind(SyntaxKind.GotoStatement) && jump.Expression is IdentifierNameSyntax label)
            {
                if (!gotos.TryGetValue(label.Identifier.ValueText, out var list))
                {
                    gotos[label.Identifier.ValueText] = list = new List<GotoStatementSyntax>();
                }

                list.Add(jump);
            }
        }

        return gotos;
    }
}
