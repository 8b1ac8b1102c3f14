using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// The conditions a "declare the contract" fix may put on a runtime-PM contract whose body takes or drops the reference
/// only under a test of a fixed bool: the bool members and parameters the method's own tests read —
/// <c>vfio_pci_core_enable()</c>'s <c>if (!vdev-&gt;disable_idle_d3)</c>, <c>vfio_device_pm_runtime_get()</c>'s
/// driver-has-PM-ops test — as the text of a <c>When</c>/<c>Unless</c> argument. Which sense, and whether the bool is
/// latched at all, is left to the fix's verification: the analyzers judge the declared contract on the body.
/// </summary>
internal static class ContractConditionCandidates
{
    /// <summary>At most this many conditions are tried (each is verified twice, as When and as Unless).</summary>
    public const int Limit = 3;

    /// <summary>The argument texts, in the order the tests appear: <c>nameof(Flag)</c> for a member of <c>this</c> or a parameter, <c>"vdev.Flag"</c> for a path under a parameter.</summary>
    public static IEnumerable<string> Of(MethodDeclarationSyntax method, SemanticModel model, CancellationToken cancellation)
    {
        var seen = new HashSet<string>();
        foreach (var node in method.DescendantNodes())
        {
            var condition = node switch
            {
                IfStatementSyntax i => i.Condition,
                ConditionalExpressionSyntax c => c.Condition,
                _ => null,
            };
            if (condition is null)
            {
                continue;
            }

            foreach (var leaf in Leaves(condition))
            {
                if (Text(leaf, model, cancellation) is { } text && seen.Add(text))
                {
                    yield return text;
                    if (seen.Count == Limit)
                    {
                        yield break;
                    }
                }
            }
        }
    }

    // The operands of !, && and || and parentheses: the bools a test combines.
    private static IEnumerable<ExpressionSyntax> Leaves(ExpressionSyntax expression)
    {
        switch (expression)
        {
            case ParenthesizedExpressionSyntax p:
                foreach (var leaf in Leaves(p.Expression))
                {
                    yield return leaf;
                }

                break;
            case PrefixUnaryExpressionSyntax u when u.IsKind(SyntaxKind.LogicalNotExpression):
                foreach (var leaf in Leaves(u.Operand))
                {
                    yield return leaf;
                }

                break;
            case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.LogicalAndExpression) || b.IsKind(SyntaxKind.LogicalOrExpression):
                foreach (var leaf in Leaves(b.Left))
                {
                    yield return leaf;
                }

                foreach (var leaf in Leaves(b.Right))
                {
                    yield return leaf;
                }

                break;
            case IdentifierNameSyntax or MemberAccessExpressionSyntax:
                yield return expression;
                break;
        }
    }

    private static string? Text(ExpressionSyntax leaf, SemanticModel model, CancellationToken cancellation)
    {
        var symbol = model.GetSymbolInfo(leaf, cancellation).Symbol;
        var type = symbol switch
        {
            IParameterSymbol p => p.Type,
            IFieldSymbol f when !f.IsStatic => f.Type,
            IPropertySymbol p when !p.IsStatic => p.Type,
            _ => null,
        };
        if (type?.SpecialType != SpecialType.System_Boolean)
        {
            return null;
        }

        switch (leaf)
        {
            case IdentifierNameSyntax name:
                return "nameof(" + name.Identifier.ValueText + ")";
            case MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access:
                return "nameof(" + access.Name.Identifier.ValueText + ")";
            case MemberAccessExpressionSyntax access when MemberPath(access, model, cancellation) is { } path:
                return "\"" + path + "\"";
            default:
                return null;
        }
    }

    // "vdev.DisableIdleD3", "device.Spec.BridgeD3Possible" (rooted at a parameter), "Vdev.DisableIdleD3" or
    // "this.Vdev.DisableIdleD3" (rooted at a member of the receiver): identifiers only, as a contract path names them.
    private static string? MemberPath(MemberAccessExpressionSyntax access, SemanticModel model, CancellationToken cancellation)
    {
        ExpressionSyntax current = access;
        var segments = new Stack<string>();
        while (current is MemberAccessExpressionSyntax member && member.IsKind(SyntaxKind.SimpleMemberAccessExpression))
        {
            segments.Push(member.Name.Identifier.ValueText);
            current = member.Expression;
        }

        if (current is ThisExpressionSyntax)
        {
            return string.Join(".", segments);
        }

        if (current is not IdentifierNameSyntax root)
        {
            return null;
        }

        return model.GetSymbolInfo(root, cancellation).Symbol switch
        {
            IParameterSymbol => root.Identifier.ValueText + "." + string.Join(".", segments),
            IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false } => root.Identifier.ValueText + "." + string.Join(".", segments),
            _ => null,
        };
    }
}
