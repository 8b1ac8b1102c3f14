using System;
using System.Collections.Generic;
using VfioPm.Benchmarks.Reporting;

namespace VfioPm.Benchmarks.Generation;

/// <summary>Placeholder.</summary>
public sealed class GeneratorCostSuite : ISuite
{
    /// <inheritdoc/>
    public string Name => "generator";

    /// <inheritdoc/>
    public IReadOnlyList<Figure> Run(BenchMode mode, string artifacts) => Array.Empty<Figure>();
}
