namespace VfioPm.Stress.Invariants;

/// <summary>A broken invariant: which one, what was seen, and where (thread and the operation it was running).</summary>
/// <param name="Invariant">The rule, in words ("no access outside D0").</param>
/// <param name="Detail">What was observed.</param>
/// <param name="Thread">The reporting thread, or <see langword="null"/> (PM work, an event).</param>
/// <param name="Operation">The operation that thread was running, or <see langword="null"/>.</param>
public sealed record Violation(string Invariant, string Detail, string? Thread, string? Operation)
{
    /// <inheritdoc/>
    public override string ToString() => $"[{Invariant}] {Detail}" + (Thread is null ? string.Empty : $" (on {Thread}{(Operation is null ? string.Empty : $" during {Operation}")})");
}
