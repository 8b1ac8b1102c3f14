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

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// VPM0003: rewrites <c>GetSync()</c> into <c>ResumeAndGet()</c> (the kernel's pm_runtime_resume_and_get.cocci
/// transformation) and drops a <c>PutNoIdle()</c> on the same device in the failure branch, which resume-and-get now does.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseResumeAndGetCodeFix)), Shared]
public sealed class UseResumeAndGetCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("VPM0003");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "GetSync" } } call)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Use ResumeAndGet()", ct => FixAsync(context.Document, root, call, ct), nameof(UseResumeAndGetCodeFix)),
            context.Diagnostics);
    }

    private static Task<Document> FixAsync(Document document, SyntaxNode root, InvocationExpressionSyntax call, CancellationToken cancellation)
    {
        var access = (MemberAccessExpressionSyntax)call.Expression;
        var device = access.Expression.WithoutTrivia().ToString();
        var replacement = call.WithExpression(access.WithName(SyntaxFactory.IdentifierName("ResumeAndGet").WithTriviaFrom(access.Name)));

        // The failure branch's compensating put: "<device>.PutNoIdle();" inside the method, now redundant.
        var method = call.FirstAncestorOrSelf<MemberDeclarationSyntax>() as SyntaxNode ?? root;
        var redundant = method.DescendantNodes().OfType<ExpressionStatementSyntax>()
            .Where(s => s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "PutNoIdle" } put }
                && put.Expression.WithoutTrivia().ToString() == device
                && s.Ancestors().OfType<IfStatementSyntax>().Any())
            .ToList();

        var newRoot = root.TrackNodes(redundant.Cast<SyntaxNode>().Append(call));
        newRoot = newRoot.ReplaceNode(newRoot.GetCurrentNode(call)!, replacement);
        foreach (var statement in redundant)
        {
            var current = newRoot.GetCurrentNode(statement);
            if (current is not null)
            {
                newRoot = newRoot.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia)!;
            }
        }

        return Task.FromResult(document.WithSyntaxRoot(newRoot));
    }
}
