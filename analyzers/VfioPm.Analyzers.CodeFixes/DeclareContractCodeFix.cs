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
using Microsoft.CodeAnalysis.Diagnostics;
using VfioPm.Analyzers.Rules;

namespace VfioPm.Analyzers.CodeFixes;

/// <summary>
/// VPM0001/VPM0002 on a method that keeps (or drops) a reference on purpose, as vfio_pci_core_enable() keeps the open
/// reference and vfio_pci_core_disable() drops it: declares <c>[AcquiresPmReference("Pdev", OnSuccess = true)]</c> or
/// <c>[ReleasesPmReference("Pdev")]</c> on the method, naming the device the body uses. VPM0010 on a method that returns
/// holding memory_lock on purpose, as vfio_pci_zap_and_down_write_memory_lock() does, or releases the lock its caller
/// took, as vfio_pci_memory_unlock_and_restore() does: declares <c>[AcquiresMemoryLock(mode)]</c> (the mode every exit
/// holds it in) or <c>[ReleasesMemoryLock]</c>, with <c>Lock = "..."</c> unless it is the receiver's own
/// <c>MemoryLock</c>. Offered only when the declared contract checks clean on the body (no VPM0001/VPM0002/VPM0011, or
/// VPM0010/VPM0011 for a lock, left in the method), so the fix states what the body already does and VPM0011 keeps it
/// honest afterwards. A runtime-PM body that keeps or drops the reference only under a test of a fixed bool gets the
/// condition too (<c>Unless = "vdev.DisableIdleD3"</c>, <c>When = nameof(DriverHasPmOps)</c>: see
/// <see cref="ContractConditionCandidates"/>). It adds an attribute and changes no statement.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeclareContractCodeFix)), Shared]
public sealed class DeclareContractCodeFix : CodeFixProvider
{
    private const string Acquires = "AcquiresPmReference";
    private const string Releases = "ReleasesPmReference";
    private const string AcquiresLock = "AcquiresMemoryLock";
    private const string ReleasesLock = "ReleasesMemoryLock";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("VPM0001", "VPM0002", "VPM0010");

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => DeclareAll.Instance;

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
            if (Plan(root, model, diagnostic, context.CancellationToken) is not { } candidate
                || await FirstVerifiedAsync(context.Document, root, model, candidate, context.CancellationToken).ConfigureAwait(false) is not var (plan, fixedDocument))
            {
                continue; // the body does not consistently keep or drop the reference: declaring it would be a lie
            }

            context.RegisterCodeFix(
                CodeAction.Create("Declare [" + plan.AttributeText + "]", _ => Task.FromResult(fixedDocument), nameof(DeclareContractCodeFix) + plan.Kind),
                diagnostic);
        }
    }

    // The plan as it is, else (for a runtime-PM contract) with a condition the body's own tests read, When or Unless:
    // the first whose declaration checks clean on the body, with the document it gives; null when none does.
    private static async Task<(FixPlan Plan, Document Fixed)?> FirstVerifiedAsync(Document document, SyntaxNode root, SemanticModel model, FixPlan plan, CancellationToken cancellation)
    {
        var candidates = new List<FixPlan> { plan };
        if (!plan.IsLock && root.DescendantNodes().OfType<MethodDeclarationSyntax>().FirstOrDefault(m => m.SpanStart == plan.MethodStart) is { } method)
        {
            foreach (var condition in ContractConditionCandidates.Of(method, model, cancellation))
            {
                candidates.Add(plan with { Arguments = plan.Arguments + ", When = " + condition });
                candidates.Add(plan with { Arguments = plan.Arguments + ", Unless = " + condition });
            }
        }

        foreach (var candidate in candidates)
        {
            var fixedDocument = document.WithSyntaxRoot(Apply(root, new[] { candidate }));
            if (await VerifiesAsync(fixedDocument, candidate, cancellation).ConfigureAwait(false))
            {
                return (candidate, fixedDocument);
            }
        }

        return null;
    }

    // What to declare for one diagnostic: the method, the attribute and its target (a member or parameter path).
    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        if (diagnostic.Id == "VPM0010")
        {
            return LockPlan(root, model, diagnostic, cancellation);
        }

        if (!diagnostic.Properties.TryGetValue(PmReferenceBalanceAnalyzer.PmKeyProperty, out var key) || key is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || model.GetDeclaredSymbol(method, cancellation) is not { } symbol)
        {
            return null;
        }

        var kind = diagnostic.Id == "VPM0001" ? Acquires : Releases;
        if (symbol.GetAttributes().Any(a => a.AttributeClass?.Name is "AcquiresPmReferenceAttribute" or "ReleasesPmReferenceAttribute")
            || model.Compilation.GetTypeByMetadataName("VfioPm.Annotations." + kind + "Attribute") is null
            || Target(symbol, key) is not { } target)
        {
            return null;
        }

        // A kernel-style int result: the reference is kept on success only (pm_runtime_resume_and_get's contract).
        var onSuccess = kind == Acquires && symbol.ReturnType.SpecialType == SpecialType.System_Int32;
        return new FixPlan(method.SpanStart, kind, "\"" + target + "\"" + (onSuccess ? ", OnSuccess = true" : string.Empty));
    }

    // VPM0010: a lock still held at an exit in one mode on every path (acquire), or released where it is not held
    // (release). A held lock whose modes differ between paths, a lock of the receiver itself (a lock primitive's own
    // body), a per-element lock and a method that already declares a memory_lock contract get no fix.
    private static FixPlan? LockPlan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        if (!diagnostic.Properties.TryGetValue(MemoryLockBalanceAnalyzer.LockKeyProperty, out var key) || key is null
            || !diagnostic.Properties.TryGetValue(MemoryLockBalanceAnalyzer.LockEffectProperty, out var effect)
            || effect is not ("Exclusive" or "Shared" or "NotHeld") || key.Contains("[")
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || model.GetDeclaredSymbol(method, cancellation) is not { } symbol)
        {
            return null;
        }

        var kind = effect == "NotHeld" ? ReleasesLock : AcquiresLock;
        if (symbol.GetAttributes().Any(a => a.AttributeClass?.Name is "AcquiresMemoryLockAttribute" or "ReleasesMemoryLockAttribute" or "RequiresMemoryLockAttribute")
            || model.Compilation.GetTypeByMetadataName("VfioPm.Annotations." + kind + "Attribute") is null
            || LockTarget(symbol, key) is not var (ownLock, target))
        {
            return null;
        }

        var arguments = new List<string>();
        if (kind == AcquiresLock)
        {
            arguments.Add("MemoryLockMode." + effect);
        }

        if (!ownLock)
        {
            arguments.Add("Lock = \"" + target + "\"");
        }

        return new FixPlan(method.SpanStart, kind, string.Join(", ", arguments));
    }

    // The lock target for a lock path: "this.MemoryLock" on a type with a MemoryLock member is the default (no Lock);
    // "this.Vdev.MemoryLock" -> "Vdev.MemoryLock"; "vdev.MemoryLock" under a parameter stays. Null for the receiver
    // itself (a lock type's own primitive) and for a path that does not start at this or a parameter.
    private static (bool Own, string Target)? LockTarget(IMethodSymbol method, string key)
    {
        var path = key.StartsWith("this.", System.StringComparison.Ordinal) ? key.Substring(5) : key;
        var fromParameter = method.Parameters.Any(p => p.Name == path.Split('.')[0]);
        if (!fromParameter && (key == path || method.IsStatic))
        {
            return null;
        }

        var own = !fromParameter && path == "MemoryLock";
        return (own, path);
    }

    // The contract target for a resource path: "this.Pdev.Power" -> "Pdev" (a device's runtime-PM object is named by the
    // device), "dev.Power" -> "dev" for a parameter. Null when the path does not start at this or a parameter.
    private static string? Target(IMethodSymbol method, string key)
    {
        var path = key.StartsWith("this.", System.StringComparison.Ordinal) ? key.Substring(5) : key;
        var head = path.Split('.')[0];
        var fromParameter = method.Parameters.Any(p => p.Name == head);
        if (!fromParameter && (key == path || method.IsStatic))
        {
            return null;
        }

        if (path.EndsWith(".Power", System.StringComparison.Ordinal))
        {
            path = path.Substring(0, path.Length - ".Power".Length);
        }

        return path.Length == 0 ? null : path;
    }

    private static SyntaxNode Apply(SyntaxNode root, IEnumerable<FixPlan> plans)
    {
        var byMethod = plans.GroupBy(p => p.MethodStart).Select(g => g.First()).ToDictionary(p => p.MethodStart);
        var methods = root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(m => byMethod.ContainsKey(m.SpanStart)).ToList();
        return root.ReplaceNodes(methods, (original, _) =>
        {
            var plan = byMethod[original.SpanStart];
            var attribute = SyntaxFactory.ParseCompilationUnit("[" + plan.QualifiedAttributeText + "] class X { }").DescendantNodes().OfType<AttributeListSyntax>().First();
            var indentation = original.GetLeadingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.WhitespaceTrivia));
            var list = attribute.WithLeadingTrivia(original.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
            var rest = original.AttributeLists.Count > 0
                ? original.WithAttributeLists(original.AttributeLists.Replace(original.AttributeLists[0], original.AttributeLists[0].WithLeadingTrivia(indentation)))
                : original.WithModifiers(original.Modifiers.Count > 0 ? original.Modifiers.Replace(original.Modifiers[0], original.Modifiers[0].WithLeadingTrivia(indentation)) : original.Modifiers);
            if (original.AttributeLists.Count == 0 && original.Modifiers.Count == 0)
            {
                rest = original.WithReturnType(original.ReturnType.WithLeadingTrivia(indentation));
            }

            return rest.WithAttributeLists(rest.AttributeLists.Insert(0, list));
        });
    }

    // Runs the balance and contract rules on the fixed method: the declaration must leave none of them in it.
    private static async Task<bool> VerifiesAsync(Document fixedDocument, FixPlan plan, CancellationToken cancellation)
    {
        var compilation = await fixedDocument.Project.GetCompilationAsync(cancellation).ConfigureAwait(false);
        var tree = await fixedDocument.GetSyntaxTreeAsync(cancellation).ConfigureAwait(false);
        if (compilation is null || tree is null)
        {
            return false;
        }

        var method = (await tree.GetRootAsync(cancellation).ConfigureAwait(false)).DescendantNodes().OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.SpanStart == plan.MethodStart);
        if (method is null)
        {
            return false;
        }

        var analyzers = plan.IsLock
            ? ImmutableArray.Create<DiagnosticAnalyzer>(new MemoryLockBalanceAnalyzer(), new ContractAnalyzer())
            : ImmutableArray.Create<DiagnosticAnalyzer>(new PmReferenceBalanceAnalyzer(), new ContractAnalyzer());
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnostics = await withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), method.FullSpan, cancellation).ConfigureAwait(false);
        return !diagnostics.Any(d => (plan.IsLock ? d.Id is "VPM0010" or "VPM0011" : d.Id is "VPM0001" or "VPM0002" or "VPM0011") && method.FullSpan.Contains(d.Location.SourceSpan));
    }

    // One attribute for one method: its kind ("AcquiresPmReference", "AcquiresMemoryLock", ...) and argument list.
    private sealed record FixPlan(int MethodStart, string Kind, string Arguments)
    {
        public bool IsLock => Kind is AcquiresLock or ReleasesLock;

        public string AttributeText => Arguments.Length == 0 ? Kind : Kind + "(" + Arguments + ")";

        // Qualified so that the fix needs no using: the mode's enum as well as the attribute.
        public string QualifiedAttributeText =>
            "global::VfioPm.Annotations." + (Arguments.Length == 0 ? Kind
                : Kind + "(" + Arguments.Replace("MemoryLockMode.", "global::VfioPm.Annotations.MemoryLockMode.") + ")");
    }

    // Fix All: one attribute per method, whatever number of exits reported it; each method verified as in the single fix.
    private sealed class DeclareAll : DocumentBasedFixAllProvider
    {
        public static readonly DeclareAll Instance = new();

        protected override string GetFixAllTitle(FixAllContext fixAllContext) =>
            fixAllContext.CodeActionEquivalenceKey is { } key && key.EndsWith("MemoryLock", System.StringComparison.Ordinal)
                ? "Declare the memory_lock contracts the bodies keep"
                : "Declare the runtime-PM contracts the bodies keep";

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var root = await document.GetSyntaxRootAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(fixAllContext.CancellationToken).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return document;
            }

            var plans = new List<FixPlan>();
            foreach (var diagnostic in diagnostics)
            {
                if (Plan(root, model, diagnostic, fixAllContext.CancellationToken) is { } candidate && plans.All(p => p.MethodStart != candidate.MethodStart)
                    && fixAllContext.CodeActionEquivalenceKey == nameof(DeclareContractCodeFix) + candidate.Kind
                    && await FirstVerifiedAsync(document, root, model, candidate, fixAllContext.CancellationToken).ConfigureAwait(false) is var (plan, _))
                {
                    plans.Add(plan);
                }
            }

            return plans.Count == 0 ? document : document.WithSyntaxRoot(Apply(root, plans));
        }
    }
}
