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
using Microsoft.CodeAnalysis.Simplification;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// VPM0008: masks a runtime-PM error as <c>-EIO</c> where a handler returns it, as vfio_device_pm_runtime_get() does, and
/// keeps every success result: <c>ret</c> becomes <c>ret &lt; 0 ? -EIO : ret</c>, and any other expression (a call, whose
/// side effects must happen exactly once) becomes <c>call switch { &lt; 0 =&gt; -EIO, var ret =&gt; ret }</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MaskAsEioCodeFix)), Shared]
public sealed class MaskAsEioCodeFix : CodeFixProvider
{
    private const string Title = "Mask the error as -EIO";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("VPM0008");

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
            var returned = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?
                .AncestorsAndSelf().OfType<ExpressionSyntax>().FirstOrDefault(e => e.Span == diagnostic.Location.SourceSpan);
            if (returned is null || Masked(returned, model, context.CancellationToken) is not { } masked)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(returned, masked))), nameof(MaskAsEioCodeFix)),
                diagnostic);
        }
    }

    private static ExpressionSyntax? Masked(ExpressionSyntax returned, SemanticModel model, CancellationToken cancellation)
    {
        var inner = returned;
        while (inner is ParenthesizedExpressionSyntax parenthesized)
        {
            inner = parenthesized.Expression;
        }

        var eio = Eio(model);
        ExpressionSyntax masked;
        if (inner is IdentifierNameSyntax name && model.GetSymbolInfo(name, cancellation).Symbol is ILocalSymbol or IParameterSymbol)
        {
            // Reading a local twice is free and cannot differ: "ret < 0 ? -EIO : ret".
            var template = (ConditionalExpressionSyntax)SyntaxFactory.ParseExpression($"{name.Identifier.ValueText} < 0 ? eio : {name.Identifier.ValueText}");
            masked = template.ReplaceNode(template.WhenTrue, eio.WithTriviaFrom(template.WhenTrue));
        }
        else
        {
            // Anything else is evaluated once: "call switch { < 0 => -EIO, var ret => ret }" (C# 9 patterns).
            if (((CSharpParseOptions)returned.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp9)
            {
                return null;
            }

            var variable = FreshName(returned, model);
            var subject = inner is InvocationExpressionSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or IdentifierNameSyntax
                ? inner.WithoutTrivia()
                : SyntaxFactory.ParenthesizedExpression(inner.WithoutTrivia());
            var template = (SwitchExpressionSyntax)SyntaxFactory.ParseExpression($"subject switch {{ < 0 => eio, var {variable} => {variable} }}");
            var withEio = template.ReplaceNode(template.Arms[0].Expression, eio.WithTriviaFrom(template.Arms[0].Expression));
            masked = withEio.WithGoverningExpression(subject.WithTriviaFrom(withEio.GoverningExpression));
        }

        // Where the value sits inside a larger expression, keep it one operand.
        if (returned.Parent is not (ReturnStatementSyntax or ArrowExpressionClauseSyntax or LambdaExpressionSyntax or ParenthesizedExpressionSyntax or EqualsValueClauseSyntax))
        {
            masked = SyntaxFactory.ParenthesizedExpression(masked);
        }

        return masked.WithTriviaFrom(returned);
    }

    // -Errno.EIO when the runtime's Errno is in reach (simplified to the shortest name the usings allow), else -5.
    private static ExpressionSyntax Eio(SemanticModel model)
    {
        if (model.Compilation.GetTypeByMetadataName("VfioPm.Runtime.Errno") is null)
        {
            return SyntaxFactory.ParseExpression("-5 /* -EIO */");
        }

        var eio = SyntaxFactory.ParseExpression("global::VfioPm.Runtime.Errno.EIO").WithAdditionalAnnotations(Simplifier.Annotation);
        return SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, eio);
    }

    // A name for the pattern variable that no local, parameter or member in reach already has (CS0136 forbids shadowing a local).
    private static string FreshName(SyntaxNode at, SemanticModel model)
    {
        // The variable's scope is its switch arm, so only names visible here can clash (a local's scope is its whole block,
        // so lookup also sees those declared further down).
        var taken = new HashSet<string>(model.LookupSymbols(at.SpanStart).Select(s => s.Name));

        foreach (var candidate in new[] { "ret", "result", "err" })
        {
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }

        for (var i = 2; ; i++)
        {
            if (!taken.Contains("ret" + i))
            {
                return "ret" + i;
            }
        }
    }
}
