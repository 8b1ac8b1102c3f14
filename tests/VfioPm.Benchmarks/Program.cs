using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using VfioPm.Benchmarks;
using VfioPm.Benchmarks.Analysis;
using VfioPm.Benchmarks.Dispatch;
using VfioPm.Benchmarks.Generation;
using VfioPm.Benchmarks.Reporting;
using VfioPm.Benchmarks.Runtime;
using VfioPm.Benchmarks.Tracing;
using VfioPm.Tests.Shared;

// dotnet run -c Release --project tests/VfioPm.Benchmarks -- <suite>... [--quick] [--out <dir>]
// Suites: runtime, dispatch, analyzers, generator, tracing, all. Writes <out>/summary.json and <out>/summary.md
// (default out: artifacts/bench under the repository root).
if (args.Length == 4 && args[0] == TwoBuildsGetPut.PassVerb)
{
    return TwoBuildsGetPut.RunPass(args); // a child of the tracing suite (one load order of the two-builds comparison)
}

var suites = new ISuite[] { new RuntimeSuite(), new DispatchSuite(), new AnalyzerCostSuite(), new GeneratorCostSuite(), new TracingSuite() };
var mode = args.Contains("--quick") ? BenchMode.Quick : BenchMode.Full;
var outIndex = Array.IndexOf(args, "--out");
var output = outIndex >= 0 && outIndex + 1 < args.Length ? Path.GetFullPath(args[outIndex + 1]) : Path.Combine(RepositoryRoot.Path, "artifacts", "bench");
var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (outIndex < 0 || i != outIndex + 1)).ToList();
if (names.Count == 0 || names.Contains("all"))
{
    names = suites.Select(s => s.Name).ToList();
}

var unknown = names.Where(n => suites.All(s => s.Name != n)).ToList();
if (unknown.Count > 0 || args.Contains("--help"))
{
    Console.Error.WriteLine($"usage: VfioPm.Benchmarks <{string.Join("|", suites.Select(s => s.Name))}|all>... [--quick] [--out <dir>]");
    return unknown.Count > 0 ? 2 : 0;
}

#if DEBUG
Console.Error.WriteLine("warning: a Debug build measures unoptimised code; run with -c Release.");
#endif

var started = DateTimeOffset.UtcNow;
var machine = MachineInfo.Current();
var clock = Stopwatch.StartNew();
var figures = new List<Figure>();
foreach (var suite in suites.Where(s => names.Contains(s.Name)))
{
    Console.WriteLine($"== {suite.Name} ({mode}) ==");
    figures.AddRange(suite.Run(mode, output));
}

var document = new SummaryWriter.Document(mode.ToString().ToLowerInvariant(), names, started, clock.Elapsed, machine, figures);
var (json, md) = SummaryWriter.Write(output, document);
Console.WriteLine();
Console.WriteLine(SummaryWriter.Markdown(document));
Console.WriteLine($"wrote {json} and {md}");
return 0;
