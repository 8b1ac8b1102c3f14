using System.Collections.Generic;

namespace VfioPm.Benchmarks;

/// <summary>A named group of measurements that reports its figures, each against a baseline measured in the same run.</summary>
public interface ISuite
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>Measures, and returns the figures.</summary>
    IReadOnlyList<Reporting.Figure> Run(BenchMode mode, string artifacts);
}
