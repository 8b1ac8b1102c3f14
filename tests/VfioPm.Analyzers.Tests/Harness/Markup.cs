using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>An expected diagnostic in markup: its id (<see langword="null"/> for <c>[|...|]</c>, "the analyzer's only rule") and span.</summary>
public readonly record struct ExpectedSpan(string? Id, TextSpan Span);

/// <summary>Markup parsed into clean source, expected diagnostic spans and named location markers.</summary>
/// <param name="Source">The source with every markup token removed.</param>
/// <param name="Expected">Expected diagnostics, in the order their spans open.</param>
/// <param name="Markers">Spans marked <c>{|#name:...|}</c>: locations a test refers to (additional locations), not diagnostics.</param>
public sealed record MarkupResult(string Source, ImmutableArray<ExpectedSpan> Expected, ImmutableDictionary<string, TextSpan> Markers);

/// <summary>
/// Test-source markup in the style of Microsoft.CodeAnalysis.Testing:
/// <list type="bullet">
/// <item><c>{|VPM0001:text|}</c>: a diagnostic with that id on exactly <c>text</c> (may be empty);</item>
/// <item><c>[|text|]</c>: a diagnostic of the analyzer's only rule on <c>text</c>;</item>
/// <item><c>{|#0:text|}</c>: a named location (for additional locations), not a diagnostic.</item>
/// </list>
/// Spans may nest; each closer must match the innermost open span (<c>|}</c> for <c>{|</c>, <c>|]</c> for <c>[|</c>).
/// Malformed markup throws <see cref="FormatException"/> naming the line and column in the markup.
/// </summary>
public static class Markup
{
    /// <summary>Parses <paramref name="markup"/>.</summary>
    public static MarkupResult Parse(string markup)
    {
        ArgumentNullException.ThrowIfNull(markup);
        var clean = new StringBuilder(markup.Length);
        var expected = new List<(int Order, ExpectedSpan Span)>();
        var markers = ImmutableDictionary.CreateBuilder<string, TextSpan>(StringComparer.Ordinal);
        var open = new Stack<Opener>();
        var order = 0;
        var i = 0;
        while (i < markup.Length)
        {
            if (At(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                var name = colon < 0 ? string.Empty : markup.Substring(i + 2, colon - i - 2);
                if (!IsValidName(name))
                {
                    throw Error(markup, i, "'{|' must be followed by an id or #marker and ':' (as in {|VPM0001:text|} or {|#0:text|})");
                }

                open.Push(new Opener(name, IsCurly: true, clean.Length, i, order++));
                i = colon + 1;
            }
            else if (At(markup, i, "[|"))
            {
                open.Push(new Opener(null, IsCurly: false, clean.Length, i, order++));
                i += 2;
            }
            else if (At(markup, i, "|}") || At(markup, i, "|]"))
            {
                var curly = markup[i + 1] == '}';
                if (open.Count == 0)
                {
                    throw Error(markup, i, $"'{markup.Substring(i, 2)}' closes nothing");
                }

                var top = open.Pop();
                if (top.IsCurly != curly)
                {
                    throw Error(markup, i, $"'{markup.Substring(i, 2)}' does not match the open '{(top.IsCurly ? "{|" : "[|")}' at {LineCol(markup, top.MarkupPosition)}");
                }

                var span = TextSpan.FromBounds(top.CleanStart, clean.Length);
                if (top.Name is { } n && n.StartsWith('#'))
                {
                    var key = n[1..];
                    if (!markers.TryAdd(key, span))
                    {
                        throw Error(markup, top.MarkupPosition, $"marker '#{key}' is used twice");
                    }
                }
                else
                {
                    expected.Add((top.Order, new ExpectedSpan(top.Name, span)));
                }

                i += 2;
            }
            else
            {
                clean.Append(markup[i]);
                i++;
            }
        }

        if (open.Count > 0)
        {
            var top = open.Peek();
            throw Error(markup, top.MarkupPosition, $"'{(top.IsCurly ? "{|" : "[|")}' is never closed");
        }

        expected.Sort((a, b) => a.Order.CompareTo(b.Order));
        return new MarkupResult(clean.ToString(), expected.ConvertAll(e => e.Span).ToImmutableArray(), markers.ToImmutable());
    }

    /// <summary>1-based "line:col" of <paramref name="position"/> in <paramref name="text"/>.</summary>
    public static string LineCol(string text, int position)
    {
        var line = 1;
        var col = 1;
        for (var k = 0; k < position && k < text.Length; k++)
        {
            if (text[k] == '\n')
            {
                line++;
                col = 1;
            }
            else if (text[k] != '\r')
            {
                col++;
            }
        }

        return $"{line}:{col}";
    }

    private static bool At(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || name == "#")
        {
            return false;
        }

        for (var k = 0; k < name.Length; k++)
        {
            var c = name[k];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || (c == '#' && k == 0)))
            {
                return false;
            }
        }

        return true;
    }

    private static FormatException Error(string markup, int position, string what) =>
        new($"Markup error at {LineCol(markup, position)}: {what}.");

    private readonly record struct Opener(string? Name, bool IsCurly, int CleanStart, int MarkupPosition, int Order);
}
