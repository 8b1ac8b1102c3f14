using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using VfioPm.Generators.Models;

namespace VfioPm.Generators.Parsing;

/// <summary>
/// Hint names of the generated files. Readable names (<c>N.Outer.Driver_1.VfioDeviceOps.g.cs</c>) are not unique:
/// escaping maps <c>Driver`1</c> and <c>Driver_1</c> to one name, and hint names compare case-insensitively
/// (<c>Nvme</c>, <c>NVMe</c>). Classes whose readable names collide get a disambiguator computed from their exact
/// metadata name, so each keeps its name whatever else the compilation holds, and two files never share a name
/// (AddSource would throw, CS8785, and the generator would contribute nothing at all).
/// </summary>
internal static class HintNames
{
    private const string Suffix = ".VfioDeviceOps.g.cs";

    /// <summary>The exact metadata name, e.g. <c>N.Outer+Driver`1</c>: unique per type in a compilation.</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            parts.Add(t.MetadataName);
        }

        parts.Reverse();
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : string.Empty;
        return ns + string.Join("+", parts);
    }

    /// <summary>The readable hint name: the metadata name with every character other than letters, digits and '.' as '_'.</summary>
    public static string Readable(string metadataName)
    {
        var builder = new StringBuilder(metadataName.Length + Suffix.Length);
        foreach (var c in metadataName)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '.' ? c : c == '+' ? '.' : '_');
        }

        return builder.Append(Suffix).ToString();
    }

    /// <summary>
    /// The final hint names of the models whose readable names collide (case-insensitively), keyed by metadata
    /// name; every other model keeps its readable name. The result is value-equal for the same set of collisions,
    /// so edits that add no collision leave every file's emit step cached.
    /// </summary>
    public static EquatableArray<HintOverride> Collisions(ImmutableArray<DeviceOpsModel> models)
    {
        var overrides = new List<HintOverride>();
        foreach (var group in models.GroupBy(m => m.HintName, StringComparer.OrdinalIgnoreCase))
        {
            var members = group
                .GroupBy(m => m.MetadataName, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(m => m.MetadataName, StringComparer.Ordinal)
                .ToArray();
            if (members.Length < 2)
            {
                continue;
            }

            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < members.Length; i++)
            {
                var stem = members[i].HintName.Substring(0, members[i].HintName.Length - Suffix.Length)
                    + "." + Fnv1a(members[i].MetadataName).ToString("x8", CultureInfo.InvariantCulture);
                var hint = stem + Suffix;
                if (!used.Add(hint))
                {
                    // Two exact names with one 32-bit hash: the ordinal rank (stable for this set) settles it.
                    hint = stem + "." + i.ToString(CultureInfo.InvariantCulture) + Suffix;
                    used.Add(hint);
                }

                overrides.Add(new HintOverride(members[i].MetadataName, hint));
            }
        }

        return new EquatableArray<HintOverride>(overrides.OrderBy(o => o.MetadataName, StringComparer.Ordinal).ToArray());
    }

    /// <summary>The hint name of <paramref name="model"/> given the collisions.</summary>
    public static string Resolve(DeviceOpsModel model, EquatableArray<HintOverride> collisions)
    {
        foreach (var o in collisions)
        {
            if (o.MetadataName == model.MetadataName)
            {
                return o.HintName;
            }
        }

        return model.HintName;
    }

    // FNV-1a over UTF-16 code units: stable across runs and platforms (string.GetHashCode is randomized).
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}
