using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

// Tiny analyzers and fixes that exist only to prove the harness catches what it claims to catch. They live in the test
// assembly (net10.0, with Workspaces, no release tracking) and are never loaded by a compiler, so the rules for shipped
// compiler extensions do not apply to them.
#pragma warning disable RS1036, RS1038, RS1041, RS2008

namespace VfioPm.Analyzers.Tests.HarnessTests;

internal static class TestRules
{
    public static DiagnosticDescriptor Rule(string id) =>
        new(id, "Test rule " + id, "'{0}' was called", "VfioPm.Test", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    /// <summary>Invocations of a method named <paramref name="name"/>, with the method declaration they sit in.</summary>
    public static void OnInvocationOf(AnalysisContext context, string name, Action<SyntaxNodeAnalysisContext, InvocationExpressionSyntax> action) =>
        context.RegisterSyntaxNodeAction(
            c =>
            {
                var invocation = (InvocationExpressionSyntax)c.Node;
                var called = invocation.Expression switch
                {
                    MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
                    IdentifierNameSyntax i => i.Identifier.ValueText,
                    _ => null,
                };
                if (called == name)
                {
                    action(c, invocation);
                }
            },
            SyntaxKind.InvocationExpression);
}

/// <summary>VPM9999 on every <c>ResumeAndGet()</c> invocation; the additional location is the enclosing method's name.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ResumeAndGetCallAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = TestRules.Rule("VPM9999");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        TestRules.OnInvocationOf(context, "ResumeAndGet", (c, invocation) =>
        {
            var method = invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>();
            Location[] additional = method is null ? [] : [method.Identifier.GetLocation()];
            c.ReportDiagnostic(Diagnostic.Create(Rule, invocation.GetLocation(), additional, invocation.Expression.ToString()));
        });
    }
}

/// <summary>Reports every <c>ResumeAndGet()</c> twice (a buggy analyzer the multiset comparison must catch).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateReportingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [ResumeAndGetCallAnalyzer.Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        TestRules.OnInvocationOf(context, "ResumeAndGet", (c, invocation) =>
        {
            c.ReportDiagnostic(Diagnostic.Create(ResumeAndGetCallAnalyzer.Rule, invocation.GetLocation(), invocation.Expression.ToString()));
            c.ReportDiagnostic(Diagnostic.Create(ResumeAndGetCallAnalyzer.Rule, invocation.GetLocation(), invocation.Expression.ToString()));
        });
    }
}

/// <summary>VPM9997, and throws on every invocation it sees.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestRules.Rule("VPM9997")];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(_ => throw new InvalidOperationException("deliberate test failure"), SyntaxKind.InvocationExpression);
    }
}

/// <summary>VPM9996; throws only on a syntax tree with syntax errors (so only broken prefixes make it fail).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrowsOnBrokenSyntaxAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestRules.Rule("VPM9996")];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(c =>
        {
            if (c.Tree.GetDiagnostics(c.CancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                throw new InvalidOperationException("broken syntax");
            }
        });
    }
}

/// <summary>Supports two rules, so <c>[|...|]</c> is ambiguous for it.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TwoRuleAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestRules.Rule("VPM9995"), TestRules.Rule("VPM9994")];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
    }
}

/// <summary>VPM9993 on <c>ResumeAndGet()</c> only when the editorconfig sets <c>vfiopm_test.report = true</c>.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OptionReadingAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = TestRules.Rule("VPM9993");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        TestRules.OnInvocationOf(context, "ResumeAndGet", (c, invocation) =>
        {
            if (c.Options.AnalyzerConfigOptionsProvider.GetOptions(c.Node.SyntaxTree).TryGetValue("vfiopm_test.report", out var value) && value == "true")
            {
                c.ReportDiagnostic(Diagnostic.Create(Rule, invocation.GetLocation(), invocation.Expression.ToString()));
            }
        });
    }
}

/// <summary>
/// VPM9992 on calls to methods carrying an attribute whose metadata name is
/// <c>VfioPm.Annotations.AcquiresPmReferenceAttribute</c>, from whatever assembly (the way the real analyzers match).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AcquireCallAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = TestRules.Rule("VPM9992");

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rule];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(
            c =>
            {
                var invocation = (Microsoft.CodeAnalysis.Operations.IInvocationOperation)c.Operation;
                if (invocation.TargetMethod.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "VfioPm.Annotations.AcquiresPmReferenceAttribute"))
                {
                    c.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name));
                }
            },
            OperationKind.Invocation);
    }
}

/// <summary>Spends a fixed time on every syntax tree (to prove the robustness runner's time bound bites).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SlowAnalyzer : DiagnosticAnalyzer
{
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [TestRules.Rule("VPM9991")];

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxTreeAction(_ => System.Threading.Thread.Sleep(Delay));
    }
}
