using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace VfioPm.Analyzers.Tests.Harness;

/// <summary>A generated source for the robustness run, named for failure messages.</summary>
/// <param name="Name">What it is ("WrongDriver.cs, 3 tokens deleted (seed 12)").</param>
/// <param name="Text">The source.</param>
public sealed record MalformedSource(string Name, string Text)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Hostile input for analyzers: seeded token deletions, insertions and duplications in real files, methods cut off in
/// the middle, deep nesting, recursion and huge methods. Everything is reproducible from the seed.
/// </summary>
public static class MalformedCode
{
    // Tokens that matter to the analyzers or to the shape of the control flow.
    private static readonly string[] Palette =
    {
        "{", "}", "(", ")", ";", ",", ".", "=", "=>", "?", ":", "!", "<", ">", "[", "]", "if", "else", "return", "goto done;",
        "done:", "using", "lock", "await", "yield return", "throw", "try", "finally", "catch", "while (true)", "switch (x) { case 1:",
        "var", "new", "static", "ref", "out", "in", "default", "null", "Dev.Power.Put();", "Dev.Power.ResumeAndGet()",
        "Dev.Power.GetNoResume();", "MemoryLock.DownWrite();", "MemoryLock.UpWrite();", "using (MemoryLock.WriteLock())",
        "[GuardedBy(\"MemoryLock\")]", "[DeviceAccess(MemoryLockMode.Shared)]", "[AcquiresPmReference]", "#if X", "#endif",
        "\"", "'", "/*", "*/", "@", "$\"{", "__arglist", "stackalloc", "delegate", "operator", "this", "base",
    };

    /// <summary>A stable seed for <paramref name="text"/> (string.GetHashCode is randomized per process).</summary>
    public static int StableSeed(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    /// <summary><paramref name="count"/> mutants of <paramref name="source"/>, cycling through the kinds of damage.</summary>
    public static IEnumerable<MalformedSource> Mutants(string name, string source, int seed, int count)
    {
        var random = new Random(seed);
        var tokens = SyntaxFactory.ParseTokens(source).Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).Select(t => t.Span).ToArray();
        if (tokens.Length == 0)
        {
            yield break;
        }

        for (var k = 0; k < count; k++)
        {
            var n = 1 + random.Next(4);
            yield return (k % 4) switch
            {
                0 => new MalformedSource($"{name}, {n} tokens deleted (seed {seed}, #{k})", Delete(source, tokens, random, n)),
                1 => new MalformedSource($"{name}, {n} tokens inserted (seed {seed}, #{k})", Insert(source, tokens, random, n)),
                2 => new MalformedSource($"{name}, a method cut off (seed {seed}, #{k})", CutMethod(source, random)),
                _ => new MalformedSource($"{name}, a token run duplicated (seed {seed}, #{k})", Duplicate(source, tokens, random)),
            };
        }
    }

    /// <summary>Blocks, conditions, lambdas, parentheses and locks nested <paramref name="depth"/> deep around PM calls.</summary>
    public static MalformedSource DeepNesting(int depth)
    {
        var body = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            body.Append((i % 4) switch
            {
                0 => $"if (x > {i}) {{ ",
                1 => "using (MemoryLock.WriteLock()) { ",
                2 => "Func<int> f" + i + " = () => { ",
                _ => "{ Dev.Power.GetNoResume(); ",
            });
        }

        body.Append("Dev.Power.Put(); var p = ").Append('(', depth).Append('x').Append(')', depth).Append("; ");
        for (var i = depth - 1; i >= 0; i--)
        {
            body.Append(i % 4 == 2 ? "return 0; }; " : "} ");
        }

        return new MalformedSource($"nesting {depth} deep", Driver("public int Deep(int x) { " + body + "return 0; }"));
    }

    /// <summary>Direct, mutual and local-function recursion with gets and puts on every path, and a recursive property.</summary>
    public static MalformedSource Recursion() => new("recursion", Driver("""
        public int Self(int n) { if (Dev.Power.ResumeAndGet() != 0) return Self(n - 1); var r = n > 0 ? Self(n - 1) : 0; Dev.Power.Put(); return r; }
        public int Ping(int n) => n <= 0 ? Dev.Power.ResumeAndGet() : Pong(n - 1);
        public int Pong(int n) { Dev.Power.Put(); return Ping(n - 1); }
        public int Local(int n)
        {
            int Go(int k) { using (MemoryLock.WriteLock()) { return k == 0 ? 0 : Go(k - 1) + Go(k - 2); } }
            Func<int, int>? self = null;
            self = k => k == 0 ? Dev.Power.ResumeAndGet() : self!(k - 1);
            return Go(n) + self(n);
        }
        public int Forever { get => Forever + 1; }
        [AcquiresPmReference] public int Contract(int n) => n == 0 ? Dev.Power.GetSync() : Contract(n - 1);
        """));

    /// <summary>One method of <paramref name="statements"/> statements mixing PM references, locks, branches, loops and gotos, plus a big switch.</summary>
    public static MalformedSource HugeMethod(int statements)
    {
        var body = new StringBuilder();
        for (var i = 0; i < statements; i++)
        {
            body.AppendLine((i % 8) switch
            {
                0 => $"if (x == {i}) {{ if (Dev.Power.ResumeAndGet() != 0) return -5; Dev.Power.Put(); }}",
                1 => "using (MemoryLock.ReadLock()) { x += ReadBar(); }",
                2 => $"while (x > {i}) {{ x--; if (x == 3) break; }}",
                3 => $"if (x == {i}) goto l{i};",
                4 => $"l{i - 1}: x++;",
                5 => "Dev.Power.GetNoResume(); Dev.Power.PutNoIdle();",
                6 => $"try {{ MemoryLock.DownWrite(); _engaged = x > {i}; }} finally {{ MemoryLock.UpWrite(); }}",
                _ => $"x = x > {i} ? x - 1 : x + 1;",
            });
        }

        var cases = string.Concat(Enumerable.Range(0, statements / 4).Select(i => $"case {i}: Dev.Power.GetNoResume(); if (x > {i}) return {i}; Dev.Power.PutNoIdle(); break;\n"));
        return new MalformedSource(
            $"a method of {statements} statements and a switch of {statements / 4} cases",
            Driver($"public int Huge(int x) {{\n{body}return x; }}\npublic int Switch(int x) {{ switch (x) {{\n{cases}}} return 0; }}"));
    }

    private static string Delete(string source, Microsoft.CodeAnalysis.Text.TextSpan[] tokens, Random random, int n)
    {
        var text = new StringBuilder(source);
        foreach (var span in Enumerable.Range(0, n).Select(_ => tokens[random.Next(tokens.Length)]).Distinct().OrderByDescending(s => s.Start))
        {
            text.Remove(span.Start, span.Length);
        }

        return text.ToString();
    }

    private static string Insert(string source, Microsoft.CodeAnalysis.Text.TextSpan[] tokens, Random random, int n)
    {
        var text = new StringBuilder(source);
        foreach (var at in Enumerable.Range(0, n).Select(_ => tokens[random.Next(tokens.Length)].Start).OrderByDescending(p => p))
        {
            text.Insert(at, Palette[random.Next(Palette.Length)] + " ");
        }

        return text.ToString();
    }

    private static string Duplicate(string source, Microsoft.CodeAnalysis.Text.TextSpan[] tokens, Random random)
    {
        var first = random.Next(tokens.Length);
        var last = Math.Min(tokens.Length - 1, first + 2 + random.Next(18));
        var run = source[tokens[first].Start..tokens[last].End];
        return source.Insert(tokens[random.Next(tokens.Length)].Start, run + " ");
    }

    // Cuts a method body at a random point and drops the rest of that method: the next member follows an open body.
    private static string CutMethod(string source, Random random)
    {
        var bodies = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes()
            .OfType<BaseMethodDeclarationSyntax>().Select(m => (SyntaxNode?)m.Body ?? m.ExpressionBody).OfType<SyntaxNode>().ToArray();
        if (bodies.Length == 0)
        {
            return source[..(source.Length / 2)];
        }

        var body = bodies[random.Next(bodies.Length)].Span;
        var cut = body.Start + 1 + random.Next(Math.Max(1, body.Length - 1));
        return source[..cut] + source[body.End..];
    }

    // A driver-like class the generated members live in (the names the palette uses exist).
    private static string Driver(string members) => $$"""
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        public partial class GeneratedDriver
        {
            [PmDevice] public Device Dev { get; } = new("dev");
            public MemoryLock MemoryLock { get; } = new();
            [GuardedBy("MemoryLock")] private bool _engaged;
            [DeviceAccess(MemoryLockMode.Shared)] private static int ReadBar() => 0;

            {{members}}
        }
        """;
}
