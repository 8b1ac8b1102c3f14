using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// A generated driver assembly emitted to memory and loaded into a collectible load context. Its references
/// (the VfioPm runtime, this test assembly) resolve to the default context, so tests pass real devices in.
/// </summary>
public sealed class GeneratedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    private GeneratedAssembly(AssemblyLoadContext context, Assembly assembly, string generatedSource)
    {
        _context = context;
        Assembly = assembly;
        GeneratedSource = generatedSource;
    }

    /// <summary>The loaded assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>All generated sources, concatenated (for failure messages).</summary>
    public string GeneratedSource { get; }

    /// <summary>Runs the generator over <paramref name="source"/>, requires a clean build, emits and loads the result.</summary>
    internal static GeneratedAssembly Build(string source)
    {
        var outcome = TestCompilation.Generate(source);
        var generated = string.Join("\n", outcome.RunResult.GeneratedTrees.Select(t => t.ToString()));
        Assert.Empty(outcome.GeneratorDiagnostics);
        Assert.Empty(TestCompilation.Analyze(outcome.Output));
        using var stream = new MemoryStream();
        var emit = outcome.Output.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(emit.Success && problems.Count == 0, string.Join("\n", problems) + "\n" + generated);
        stream.Position = 0;
        var context = new AssemblyLoadContext("vfiopm-generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return new GeneratedAssembly(context, context.LoadFromStream(stream), generated);
    }

    /// <summary>Creates an instance of <paramref name="typeName"/> with <paramref name="args"/>.</summary>
    public T Create<T>(string typeName, params object[] args) =>
        (T)Activator.CreateInstance(Assembly.GetType(typeName, throwOnError: true)!, args)!;

    /// <inheritdoc/>
    public void Dispose() => _context.Unload();
}
