namespace VfioPm.Stress.Fuzz;

/// <summary>Bounds of a fuzzing run.</summary>
public sealed record FuzzOptions
{
    /// <summary>The seed: inputs and device states depend on it alone.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Inputs to try.</summary>
    public int Inputs { get; init; } = 10_000;
}
