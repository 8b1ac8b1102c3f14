using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VfioPm.Analyzers.CodeFixes;
using VfioPm.Analyzers.Rules;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Analyzers.Tests.Harness;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// The "declare the contract" fix: offered where a body consistently keeps (or drops) a reference on its success
/// paths, not where it leaks on one error path; the declared contract compiles and checks clean (no VPM0001/VPM0002/
/// VPM0011 left); Fix All puts one attribute on each method however many exits reported it.
/// </summary>
public sealed class DeclareContractCodeFixTests
{
    private const string Header = """
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) => Pdev = pdev;
            public PciDevice Pdev { get; }

        """;

    // vfio_pci_core_enable(): keeps the open reference on success, puts it on each failing exit of the unwind.
    private const string Enable = """
            public int Enable(bool enableFails, bool resetLocked)
            {
                var ret = Pdev.Power.ResumeAndGet();
                if (ret < 0)
                    return ret;
                if (enableFails)
                {
                    ret = -Errno.EIO;
                    goto out_power;
                }

                if (resetLocked)
                {
                    ret = -Errno.EAGAIN;
                    goto out_power;
                }

                return 0;
            out_power:
                Pdev.Power.Put();
                return ret;
            }

        """;

    // vfio_pci_core_disable(): drops the open reference.
    private const string Disable = """
            public void Disable(bool dirty)
            {
                if (dirty)
                {
                    Pdev.Power.PutNoIdle();
                    return;
                }

                Pdev.Power.Put();
            }

        """;

    // A real bug: the reference leaks on one error path only. Declaring a contract would hide it.
    private const string LeaksOnOnePath = """
            public int Probe(bool busy)
            {
                if (Pdev.Power.ResumeAndGet() < 0)
                    return -Errno.EIO;
                if (busy)
                    return -Errno.EBUSY;
                Pdev.Power.Put();
                return 0;
            }

        """;

    private static readonly ImmutableArray<DiagnosticAnalyzer> Rules = [new PmReferenceBalanceAnalyzer(), new ContractAnalyzer()];

    // One fix offered, with this title; the fixed source compiles and the rules find nothing left to say about it.
    // The attribute's line ends with the workspace's newline option (Roslyn's default "\r\n"; a host sets it from .editorconfig).
    private static Task VerifyFix(string source, string fixedSource, string title, params DiagnosticResult[] expected)
    {
        var test = new VfioPmRulesCodeFixTest<DeclareContractCodeFix>(Rules)
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionVerifier = (action, verifier) => verifier.Equal(title, action.Title),
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task DeclaresTheConditionalAcquireAnEnableKeeps() => VerifyFix(
        Header + Enable + "}\n",
        Header + Enable.Replace("    public int Enable(", "    [global::VfioPm.Annotations.AcquiresPmReference(\"Pdev\", OnSuccess = true)]\r\n    public int Enable(", System.StringComparison.Ordinal) + "}\n",
        "Declare [AcquiresPmReference(\"Pdev\", OnSuccess = true)]",
        Verify.Diagnostic("VPM0001").WithSpan(23, 9, 23, 18).WithSpan(8, 19, 8, 44)); // the success exit; taken at the ResumeAndGet

    [Fact]
    public Task DeclaresTheReleaseADisableMakes() => VerifyFix(
        Header + Disable + "}\n",
        Header + Disable.Replace("    public void Disable(", "    [global::VfioPm.Annotations.ReleasesPmReference(\"Pdev\")]\r\n    public void Disable(", System.StringComparison.Ordinal) + "}\n",
        "Declare [ReleasesPmReference(\"Pdev\")]",
        Verify.Diagnostic("VPM0002").WithSpan(10, 13, 10, 35),
        Verify.Diagnostic("VPM0002").WithSpan(14, 9, 14, 25));

    [Fact]
    public Task IsNotOfferedForALeakOnOneErrorPath() => VerifyFix(
        Header + LeaksOnOnePath + "}\n",
        Header + LeaksOnOnePath + "}\n",
        "no fix",
        Verify.Diagnostic("VPM0001").WithSpan(11, 13, 11, 33).WithSpan(8, 13, 8, 38)); // the busy exit

    [Fact]
    public async Task FixAllDeclaresOneContractPerMethodAndLeavesTheBugAlone()
    {
        var source = Header + Enable + LeaksOnOnePath + Disable + "}\n";
        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source);
        var diagnostics = await DiagnosticsAsync(document);
        Assert.Contains(diagnostics, d => d.Id == "VPM0001" && Line(d) < 30); // Enable's success exit
        Assert.Contains(diagnostics, d => d.Id == "VPM0001" && Line(d) > 30); // Probe's busy exit
        var fix = new DeclareContractCodeFix();
        var provider = fix.GetFixAllProvider()!;
        var first = diagnostics.First(d => d.Id == "VPM0001");
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, first, (a, _) => actions.Add(a), CancellationToken.None));
        var context = new FixAllContext(document, fix, FixAllScope.Document, actions[0].EquivalenceKey!, ["VPM0001", "VPM0002"], new Provider(diagnostics), CancellationToken.None);
        var fixAll = await provider.GetFixAsync(context);
        var operations = await fixAll!.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        var after = (await changed.GetTextAsync()).ToString();
        Assert.Equal(1, CountOf(after, "AcquiresPmReference(\"Pdev\", OnSuccess = true)"));
        Assert.DoesNotContain("ReleasesPmReference", after); // another equivalence key: its own Fix All
        var left = await DiagnosticsAsync(changed);
        Assert.DoesNotContain(left, d => d.Id == "VPM0011");
        Assert.Single(left, d => d.Id == "VPM0001"); // Probe's leak on the busy path is still reported
    }

    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, string.Empty).Length) / what.Length;

    private static Document CreateDocument(AdhocWorkspace workspace, string source)
    {
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Create(), "Fix", "Fix", LanguageNames.CSharp,
            compilationOptions: TestCompilation.CompilationOptions, parseOptions: TestCompilation.ParseOptions(),
            metadataReferences: TestCompilation.References(AnnotationSource.RuntimeAssembly)));
        return workspace.AddDocument(project.Id, "Test0.cs", SourceText.From(source));
    }

    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var run = await AnalyzerRun.RunAsync(compilation, [new PmReferenceBalanceAnalyzer(), new ContractAnalyzer()], VerifierSettings.Default.AnalyzerOptions());
        run.AssertNoAnalyzerFailures();
        return run.Diagnostics.Where(d => d.Id.StartsWith("VPM", System.StringComparison.Ordinal)).ToImmutableArray();
    }

    // Applies the first offered fix for the first diagnostic of id; returns the text after it and the titles offered.
    private static async Task<(string After, string[] Offered)> FixFirst(string source, string id)
    {
        using var workspace = new AdhocWorkspace();
        var document = CreateDocument(workspace, source);
        var diagnostic = (await DiagnosticsAsync(document)).First(d => d.Id == id);
        var actions = new List<CodeAction>();
        await new DeclareContractCodeFix().RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
        if (actions.Count == 0)
        {
            return (source, []);
        }

        var operations = await actions[0].GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
        return ((await changed.GetTextAsync()).ToString(), actions.Select(a => a.Title).ToArray());
    }

    // The fixed source compiles and the rules find nothing left to say about it.
    private static async Task AssertCleanAsync(string after)
    {
        using var workspace = new AdhocWorkspace();
        var diagnostics = await DiagnosticsAsync(CreateDocument(workspace, after));
        Assert.Empty(diagnostics);
    }

    private sealed class Provider(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<Diagnostic>());
    }
}
