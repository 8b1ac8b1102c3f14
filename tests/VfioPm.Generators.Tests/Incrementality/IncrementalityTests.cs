using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VfioPm.Generators.Tests.TestKit;

namespace VfioPm.Generators.Tests.Incrementality;

/// <summary>
/// The pipeline caches: edits that do not change a model leave every tracked step Cached or Unchanged; an edit that
/// does regenerates exactly the class it touches (and is not lost when the handler sits in another partial file).
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] AllSteps = { TrackingNames.Transform, TrackingNames.Models, TrackingNames.HintNames, TrackingNames.Emit };

    private const string Alpha = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime.Power;

        namespace Probe;

        [VfioDeviceOps]
        public partial class Alpha
        {
            [PmDevice] public Device Device { get; } = new("alpha");

            [VfioIoctl(0x3B6F)]
            private int Reset(Span<byte> arg) => 0;
        }
        """;

    private const string Beta = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime.Power;

        namespace Probe;

        [VfioDeviceOps]
        public partial class Beta
        {
            [PmDevice] public Device Device { get; } = new("beta");

            [VfioRegion(0)]
            private int ReadBar0(Span<byte> buffer, long offset) => buffer.Length;
        }
        """;

    private const string Unrelated = """
        namespace Probe;

        public static class Helpers
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    [Fact]
    public void FirstRunTracksEveryStepAsNew()
    {
        var (_, run) = RunTwice(compilation => compilation);
        Assert.Equal(2, run.First.GeneratedSources.Length);
        foreach (var step in AllSteps)
        {
            Assert.All(Outputs(run.First, step), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));
        }
    }

    [Fact]
    public void EditingAnUnrelatedFileLeavesEveryStepCachedOrUnchanged()
    {
        var (_, run) = RunTwice(c => Replace(c, "Unrelated.cs", Unrelated.Replace("2 * x", "3 * x", StringComparison.Ordinal)));
        AssertAllCachedOrUnchanged(run.Second);
    }

    [Fact]
    public void WhitespaceAndCommentEditInsideAClassLeavesEveryStepCachedOrUnchanged()
    {
        var edited = Alpha.Replace(
            "private int Reset(Span<byte> arg) => 0;",
            "// a comment\n\n    private   int Reset( Span<byte> arg )   =>   0 ;\n",
            StringComparison.Ordinal);
        var (_, run) = RunTwice(c => Replace(c, "Alpha.cs", edited));
        AssertAllCachedOrUnchanged(run.Second);
        Assert.Equal(Sources(run.First), Sources(run.Second));
    }

    [Fact]
    public void EditingAHandlerBodyLeavesEveryStepCachedOrUnchanged()
    {
        var (_, run) = RunTwice(c => Replace(c, "Alpha.cs", Alpha.Replace("=> 0;", "=> -22;", StringComparison.Ordinal)));
        AssertAllCachedOrUnchanged(run.Second);
    }

    [Fact]
    public void AddingAHandlerRegeneratesOnlyThatClass()
    {
        var edited = Alpha.Replace(
            "    private int Reset(Span<byte> arg) => 0;",
            "    private int Reset(Span<byte> arg) => 0;\n\n    [VfioIoctl(0x3B6B)]\n    private int Info(Span<byte> arg) => 1;",
            StringComparison.Ordinal);
        var (_, run) = RunTwice(c => Replace(c, "Alpha.cs", edited));

        var emit = Outputs(run.Second, TrackingNames.Emit);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(emit, o => Hint(o) == "Probe.Alpha.VfioDeviceOps.g.cs").Reason);
        Assert.Contains(Assert.Single(emit, o => Hint(o) == "Probe.Beta.VfioDeviceOps.g.cs").Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });

        var before = Sources(run.First);
        var after = Sources(run.Second);
        Assert.Equal(before["Probe.Beta.VfioDeviceOps.g.cs"], after["Probe.Beta.VfioDeviceOps.g.cs"]);
        Assert.DoesNotContain("this.Info(arg)", before["Probe.Alpha.VfioDeviceOps.g.cs"], StringComparison.Ordinal);
        Assert.Contains("this.Info(arg)", after["Probe.Alpha.VfioDeviceOps.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void AddingAHandlerInAnotherPartialFileOfTheClassIsNotLost()
    {
        const string part = """
            using System;
            using VfioPm.Annotations;

            namespace Probe;

            public partial class Alpha
            {
            }
            """;
        var withPart = Create().AddSyntaxTrees(CSharpSyntaxTree.ParseText(part, TestCompilation.ParseOptions, "Alpha.Part.cs"));
        var driver = TestCompilation.CreateDriver().RunGenerators(withPart);
        var edited = part.Replace("{\n}", "{\n    [VfioRegion(9)]\n    private long ReadExtra(Span<byte> b, long o) => 1;\n}", StringComparison.Ordinal);
        Assert.NotEqual(part, edited);
        driver = driver.RunGenerators(Replace(withPart, "Alpha.Part.cs", edited));

        var result = driver.GetRunResult().Results.Single();
        var alpha = result.GeneratedSources.Single(s => s.HintName == "Probe.Alpha.VfioDeviceOps.g.cs").SourceText.ToString();
        Assert.Contains("this.ReadExtra(buf, vfioPmPos)", alpha, StringComparison.Ordinal);
        Assert.Equal(IncrementalStepRunReason.Modified,
            Outputs(result, TrackingNames.Emit).Single(o => Hint(o) == "Probe.Alpha.VfioDeviceOps.g.cs").Reason);
    }

    [Fact]
    public void AClassCollidingInCaseRenamesBothFilesAndLeavesTheOthersCached()
    {
        var upper = Alpha.Replace("class Alpha", "class ALPHA", StringComparison.Ordinal).Replace("\"alpha\"", "\"ALPHA\"", StringComparison.Ordinal);
        var (_, run) = RunTwice(c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText(upper, TestCompilation.ParseOptions, "Upper.cs")));

        var hints = Sources(run.Second).Keys.ToList();
        Assert.Equal(3, hints.Count);
        Assert.Contains("Probe.Beta.VfioDeviceOps.g.cs", hints);
        Assert.Single(hints, h => h.StartsWith("Probe.Alpha.", StringComparison.Ordinal) && h.Length == "Probe.Alpha.12345678.VfioDeviceOps.g.cs".Length);
        Assert.Single(hints, h => h.StartsWith("Probe.ALPHA.", StringComparison.Ordinal) && h.Length == "Probe.ALPHA.12345678.VfioDeviceOps.g.cs".Length);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run.Second, TrackingNames.HintNames)).Reason);
        Assert.Contains(
            Assert.Single(Outputs(run.Second, TrackingNames.Emit), o => Hint(o) == "Probe.Beta.VfioDeviceOps.g.cs").Reason,
            new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
    }

    [Fact]
    public void ModelsHoldNoSymbolsSyntaxOrCompilation()
    {
        var (_, run) = RunTwice(c => c);
        foreach (var step in AllSteps)
        {
            foreach (var (value, _) in Outputs(run.First, step))
            {
                AssertPlainData(value, step, depth: 0);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static CSharpCompilation Create() =>
        TestCompilation.Create(("Alpha.cs", Alpha), ("Beta.cs", Beta), ("Unrelated.cs", Unrelated));

    private static (GeneratorDriver Driver, (GeneratorRunResult First, GeneratorRunResult Second) Run) RunTwice(
        Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = Create();
        var driver = TestCompilation.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(edit(compilation));
        var second = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Null(second.Exception);
        return (driver, (first, second));
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string text)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, TestCompilation.ParseOptions, path));
    }

    private static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        Assert.Contains(step, (IDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>>)result.TrackedSteps)
            .SelectMany(s => s.Outputs)
            .ToList();

    private static void AssertAllCachedOrUnchanged(GeneratorRunResult result)
    {
        foreach (var step in AllSteps)
        {
            var outputs = Outputs(result, step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{step}: {o.Reason} for {o.Value}"));
        }
    }

    private static Dictionary<string, string> Sources(GeneratorRunResult result) =>
        result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    private static string Hint((object Value, IncrementalStepRunReason Reason) output) =>
        Assert.IsType<VfioPm.Generators.Models.GeneratedFile>(output.Value).HintName;

    // Walks a model's public properties: only strings, primitives, enums and (equatable) collections of such records.
    private static void AssertPlainData(object? value, string step, int depth)
    {
        Assert.True(depth < 8, step);
        switch (value)
        {
            case null or string or bool or int or uint or ushort or long:
                return;
            case ISymbol or SyntaxNode or Compilation or SemanticModel or Location or SyntaxTree:
                Assert.Fail($"{step} carries a {value.GetType().Name}");
                return;
            case System.Collections.IEnumerable items:
                foreach (var item in items)
                {
                    AssertPlainData(item, step, depth + 1);
                }

                return;
        }

        var type = value.GetType();
        Assert.True(type.GetMethod("Equals", new[] { type }) is not null, $"{step}: {type.Name} is not IEquatable");
        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            AssertPlainData(property.GetValue(value), step, depth + 1);
        }
    }
}
