namespace VfioPm.Benchmarks;

/// <summary>How long to measure: <see cref="Quick"/> checks that everything runs (under two minutes in all), <see cref="Full"/> is what the README reports.</summary>
public enum BenchMode
{
    /// <summary>Short BenchmarkDotNet jobs, small corpora, one repetition.</summary>
    Quick,

    /// <summary>Longer jobs, N = 100 / 1,000 / 5,000, repeated compilations (medians).</summary>
    Full,
}
