using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>VPM0008: returns <c>-Errno.EIO</c> instead of the raw runtime-PM error, as vfio_device_pm_runtime_get() does.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MaskAsEioCodeFix)), Shared]
public sealed class MaskAsEioCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("VPM0008");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not ExpressionSyntax returned)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create("Mask the error as -EIO", _ =>
            {
                var eio = SyntaxFactory.ParseExpression("-global::VfioPm.Runtime.Errno.EIO").WithTriviaFrom(returned);
                return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(returned, eio)));
            }, nameof(MaskAsEioCodeFix)),
            context.Diagnostics);
    }
}
