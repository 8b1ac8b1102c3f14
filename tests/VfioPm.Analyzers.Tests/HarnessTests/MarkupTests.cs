using System;
using System.Linq;
using Microsoft.CodeAnalysis.Text;
using VfioPm.Analyzers.Tests.Harness;

namespace VfioPm.Analyzers.Tests.HarnessTests;

public class MarkupTests
{
    [Fact]
    public void Text_without_markup_is_returned_unchanged()
    {
        var result = Markup.Parse("class C { int[] a = new int[1]; bool b = 1 | 2 > 0; }");
        Assert.Equal("class C { int[] a = new int[1]; bool b = 1 | 2 > 0; }", result.Source);
        Assert.Empty(result.Expected);
        Assert.Empty(result.Markers);
    }

    [Fact]
    public void Named_span_gives_id_and_span_in_the_clean_text()
    {
        var result = Markup.Parse("ab{|VPM0001:cde|}fg");
        Assert.Equal("abcdefg", result.Source);
        var span = Assert.Single(result.Expected);
        Assert.Equal("VPM0001", span.Id);
        Assert.Equal(new TextSpan(2, 3), span.Span);
    }

    [Fact]
    public void Default_span_has_no_id()
    {
        var result = Markup.Parse("x = [|M()|];");
        Assert.Equal("x = M();", result.Source);
        Assert.Equal(new ExpectedSpan(null, new TextSpan(4, 3)), Assert.Single(result.Expected));
    }

    [Fact]
    public void Later_spans_are_positioned_after_earlier_markup_is_removed()
    {
        var result = Markup.Parse("{|VPM0001:a|} [|bb|] {|VPM0002:ccc|}");
        Assert.Equal("a bb ccc", result.Source);
        Assert.Equal(
            new[] { new ExpectedSpan("VPM0001", new TextSpan(0, 1)), new ExpectedSpan(null, new TextSpan(2, 2)), new ExpectedSpan("VPM0002", new TextSpan(5, 3)) },
            result.Expected.ToArray());
        Assert.Equal("ccc", result.Source.Substring(result.Expected[2].Span.Start, result.Expected[2].Span.Length));
    }

    [Fact]
    public void Empty_span_is_allowed()
    {
        var result = Markup.Parse("a{|VPM0010:|}b");
        Assert.Equal("ab", result.Source);
        Assert.Equal(new TextSpan(1, 0), Assert.Single(result.Expected).Span);
    }

    [Fact]
    public void Nested_spans_are_reported_in_opening_order()
    {
        var result = Markup.Parse("{|VPM0001:x[|y|]z|}");
        Assert.Equal("xyz", result.Source);
        Assert.Equal(new ExpectedSpan("VPM0001", new TextSpan(0, 3)), result.Expected[0]);
        Assert.Equal(new ExpectedSpan(null, new TextSpan(1, 1)), result.Expected[1]);
    }

    [Fact]
    public void Markers_are_locations_not_diagnostics()
    {
        var result = Markup.Parse("int {|#0:M|}() { {|#exit:return|} 1; }");
        Assert.Equal("int M() { return 1; }", result.Source);
        Assert.Empty(result.Expected);
        Assert.Equal(new TextSpan(4, 1), result.Markers["0"]);
        Assert.Equal(new TextSpan(10, 6), result.Markers["exit"]);
    }

    [Fact]
    public void Line_endings_are_preserved()
    {
        var result = Markup.Parse("a\r\n{|VPM0001:b|}\r\nc\n");
        Assert.Equal("a\r\nb\r\nc\n", result.Source);
        Assert.Equal(new TextSpan(3, 1), Assert.Single(result.Expected).Span);
    }

    [Theory]
    [InlineData("a {|VPM0001:b", "1:3", "never closed")]
    [InlineData("a\nb [|c", "2:3", "never closed")]
    [InlineData("a |} b", "1:3", "closes nothing")]
    [InlineData("[|a|}", "1:4", "does not match")]
    [InlineData("{|VPM0001:a|]", "1:12", "does not match")]
    [InlineData("{|:a|}", "1:1", "id or #marker")]
    [InlineData("{|VPM 1:a|}", "1:1", "id or #marker")]
    [InlineData("{|#:a|}", "1:1", "id or #marker")]
    [InlineData("{|#0:a|} {|#0:b|}", "1:10", "used twice")]
    public void Malformed_markup_names_the_position(string markup, string lineCol, string what)
    {
        var error = Assert.Throws<FormatException>(() => Markup.Parse(markup));
        Assert.Contains(lineCol, error.Message, StringComparison.Ordinal);
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", 0, "1:1")]
    [InlineData("abc", 2, "1:3")]
    [InlineData("a\nbc", 3, "2:2")]
    [InlineData("a\r\nbc", 4, "2:2")]
    public void LineCol_is_one_based(string text, int position, string expected) =>
        Assert.Equal(expected, Markup.LineCol(text, position));
}
