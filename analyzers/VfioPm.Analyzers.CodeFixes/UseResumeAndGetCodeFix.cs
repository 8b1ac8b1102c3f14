using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// VPM0003: rewrites <c>GetSync()</c> into <c>ResumeAndGet()</c> (the kernel's pm_runtime_resume_and_get.cocci
/// transformation) and deletes the puts of the same device that only failure paths run, which ResumeAndGet now does.
/// </summary>
/// <remarks>
/// Offered only when no success path can notice (see <see cref="GetSyncResultFlow"/>): the result is read by sign tests
/// alone before the failure branch, and no put is shared between failure and success paths. Otherwise no fix is offered:
/// a fix that changes what a working path does is worse than none.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseResumeAndGetCodeFix)), Shared]
public sealed class UseResumeAndGetCodeFix : CodeFixProvider
{
    private const string Title = "Use ResumeAndGet()";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("VPM0003");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var plan = Plan(root, model, diagnostic.Location.SourceSpan, context.CancellationToken);
            if (plan is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(Apply(root, plan.Value))), nameof(UseResumeAndGetCodeFix)),
                diagnostic);
        }
    }

    private static (InvocationExpressionSyntax Call, IReadOnlyList<SyntaxNode> Puts)? Plan(SyntaxNode root, SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellation)
    {
        if (root.FindNode(span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "GetSync" } access } call
            || model.GetOperation(call, cancellation) is not IInvocationOperation { TargetMethod: { } getSync }
            || !getSync.ContainingType.GetMembers("ResumeAndGet").OfType<IMethodSymbol>().Any(m => m.Parameters.IsEmpty && m.ReturnType.SpecialType == SpecialType.System_Int32 && !m.IsStatic))
        {
            return null;
        }

        var graph = GraphContaining(call, model, cancellation);
        if (graph is null)
        {
            return null;
        }

        var puts = GetSyncResultFlow.PutsToRemove(graph, call, GetSyncResultFlow.Normalize(access.Expression.ToString()), cancellation);
        return puts is null ? null : (call, puts);
    }

    // The control-flow graph of the body that runs the call: the member's, or that of a local function or lambda in it.
    private static ControlFlowGraph? GraphContaining(SyntaxNode call, SemanticModel model, CancellationToken cancellation)
    {
        var member = call.FirstAncestorOrSelf<SyntaxNode>(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
        if (member is null || model.GetOperation(member, cancellation) is not { } body)
        {
            return null;
        }

        ControlFlowGraph graph;
        try
        {
            graph = body switch
            {
                IMethodBodyOperation m => ControlFlowGraph.Create(m, cancellation),
                IConstructorBodyOperation c => ControlFlowGraph.Create(c, cancellation),
                _ => null!,
            };
        }
        catch (System.ArgumentException)
        {
            return null;
        }

        return graph is null ? null : Find(graph, call, cancellation);
    }

    private static ControlFlowGraph? Find(ControlFlowGraph graph, SyntaxNode call, CancellationToken cancellation)
    {
        var nested = new List<ControlFlowGraph>();
        foreach (var block in graph.Blocks)
        {
            var roots = block.BranchValue is null ? block.Operations : block.Operations.Add(block.BranchValue);
            foreach (var root in roots)
            {
                var stack = new Stack<IOperation>();
                stack.Push(root);
                while (stack.Count > 0)
                {
                    var op = stack.Pop();
                    if (op is IInvocationOperation && op.Syntax == call)
                    {
                        return graph;
                    }

                    if (op is IFlowAnonymousFunctionOperation lambda)
                    {
                        nested.Add(graph.GetAnonymousFunctionControlFlowGraph(lambda, cancellation));
                        continue;
                    }

                    foreach (var child in op.ChildOperations)
                    {
                        stack.Push(child);
                    }
                }
            }
        }

        nested.AddRange(graph.LocalFunctions.Select(f => graph.GetLocalFunctionControlFlowGraph(f, cancellation)));
        return nested.Select(g => Find(g, call, cancellation)).FirstOrDefault(g => g is not null);
    }

    private static SyntaxNode Apply(SyntaxNode root, (InvocationExpressionSyntax Call, IReadOnlyList<SyntaxNode> Puts) plan)
    {
        var access = (MemberAccessExpressionSyntax)plan.Call.Expression;
        var newRoot = root.TrackNodes(plan.Puts.Append(access.Name));
        var name = newRoot.GetCurrentNode(access.Name)!;
        newRoot = newRoot.ReplaceNode(name, SyntaxFactory.IdentifierName("ResumeAndGet").WithTriviaFrom(name));
        foreach (var put in plan.Puts)
        {
            var current = newRoot.GetCurrentNode(put);
            if (current is null)
            {
                continue;
            }

            newRoot = current.Parent switch
            {
                // A statement list loses the statement; a statement slot (an if without braces, a label) keeps an empty one.
                BlockSyntax or SwitchSectionSyntax => newRoot.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia)!,
                LabeledStatementSyntax => newRoot.ReplaceNode(current, SyntaxFactory.EmptyStatement().WithTriviaFrom(current)),
                _ => newRoot.ReplaceNode(current, SyntaxFactory.Block().WithTriviaFrom(current)),
            };
        }

        return newRoot;
    }
}
