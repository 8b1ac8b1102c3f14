using System;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// A tracked resource — a runtime-PM usage count or a memory_lock — named by the access path of the object that owns it
/// ("this.Device.Pdev.Power", "gpu.Power", "pds[].Power" for every element of a collection). Two calls meet when their
/// paths are equal; there is no points-to analysis.
/// </summary>
/// <param name="Path">The access path (see <see cref="ResourceKeys.PathOf"/>).</param>
internal readonly record struct ResourceKey(string Path)
{
    /// <summary>The reference a [ReleasesPmReference] method without a nameable target was handed by its caller.</summary>
    public static readonly ResourceKey ContractCredit = new("<caller's reference>");

    /// <summary>How the key reads in a message: without the implicit "this.".</summary>
    public string Display => ResourceKeys.Display(Path);

    /// <summary>The key of a member under this one ("d.Power" + "MemoryLock").</summary>
    public ResourceKey Member(string name) => new(Path + "." + name);

    /// <summary>True when <paramref name="prefix"/> is this path or one of its parents (an assignment to it changes this).</summary>
    public bool StartsWith(string prefix) =>
        Path.Length == prefix.Length ? string.Equals(Path, prefix, StringComparison.Ordinal)
        : Path.Length > prefix.Length && Path[prefix.Length] is '.' or '[' && Path.StartsWith(prefix, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Path;
}
