using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace VfioPm.Tests.Shared;

/// <summary>Reads the <c>// &lt;-- VPMxxxx</c> markers a source file uses to say where each diagnostic is reported.</summary>
internal static class DiagnosticMarkers
{
    private static readonly Regex Marker = new(@"// <-- (?<id>VPM\d{4})\s*$", RegexOptions.CultureInvariant);

    /// <summary>(id, line) for every marked line of <paramref name="path"/>.</summary>
    public static IReadOnlyList<(string Id, int Line)> Read(string path) =>
        File.ReadAllLines(path)
            .Select((text, index) => (Match: Marker.Match(text), Line: index + 1))
            .Where(m => m.Match.Success)
            .Select(m => (m.Match.Groups["id"].Value, m.Line))
            .ToList();
}
