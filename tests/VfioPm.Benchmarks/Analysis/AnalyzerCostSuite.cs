using System;
using System.Collections.Generic;
using VfioPm.Benchmarks.Reporting;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>Placeholder.</summary>
public sealed class AnalyzerCostSuite : ISuite
{
    /// <inheritdoc/>
    public string Name => "analyzers";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts) => Array.Empty<Figure>();
}
