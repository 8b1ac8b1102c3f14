using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>One diagnostic as MSBuild prints it: <c>path(line,col): warning ID: message [project]</c>.</summary>
internal sealed record BuildDiagnostic(string File, int Line, int Column, string Severity, string Id, string Message)
{
    private static readonly Regex Format = new(
        @"^\s*(?<file>[^\s(][^(]*?)\((?<line>\d+),(?<column>\d+)\): (?<severity>warning|error) (?<id>[A-Z]+\d+): (?<message>.*?)(?: \[[^\]]+\])?\s*$",
        RegexOptions.CultureInvariant);

    /// <summary>Every distinct diagnostic in <paramref name="output"/> (MSBuild repeats them in its summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output) =>
        output.Split('\n')
            .Select(line => Format.Match(line.TrimEnd('\r')))
            .Where(m => m.Success)
            .Select(m => new BuildDiagnostic(
                Path.GetFileName(m.Groups["file"].Value),
                int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["severity"].Value,
                m.Groups["id"].Value,
                m.Groups["message"].Value))
            .Distinct()
            .ToList();

    /// <summary>"error VPM0001 at WrongDriver.cs:33": the shape tests compare.</summary>
    public string Key => $"{Severity} {Id} at {File}:{Line}";

    /// <summary>The line as a user reads it, without the folder, the help link and the project.</summary>
    public string Text => $"{File}({Line},{Column}): {Severity} {Id}: {StripHelpLink(Message)}";

    private static string StripHelpLink(string message) => Regex.Replace(message, @"\s*\(https?://[^)]*\)$", string.Empty);
}
