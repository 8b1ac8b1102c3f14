using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>
/// What every Microsoft.CodeAnalysis.Testing test here compiles against: the .NET 10 reference assemblies from
/// Basic.Reference.Assemblies.Net100 (restored with the project, so nothing is downloaded while tests run) and the real
/// VfioPm.Runtime, in the latest C#.
/// </summary>
public static class VfioPmTestSetup
{
    /// <summary>The references of a .NET 10 project.</summary>
    public static ImmutableArray<MetadataReference> Framework { get; } =
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>().ToImmutableArray();

    /// <summary>The VfioPm.Runtime assembly the tests run against.</summary>
    public static MetadataReference Runtime { get; } = MetadataReference.CreateFromFile(typeof(VfioPm.Runtime.Errno).Assembly.Location);

    /// <summary>No reference package: the references above are the whole framework.</summary>
    public static ReferenceAssemblies ReferenceAssemblies { get; } = new("net10.0");

    /// <summary>Puts the references on a test's state (the fixed state inherits them).</summary>
    public static void Apply(SolutionState state, bool withRuntime = true)
    {
        state.ReferenceAssemblies = ReferenceAssemblies;
        state.AdditionalReferences.AddRange(Framework);
        if (withRuntime)
        {
            state.AdditionalReferences.Add(Runtime);
        }
    }

    /// <summary>C# latest, as the repository's projects use.</summary>
    public static ParseOptions Latest(ParseOptions options) => ((CSharpParseOptions)options).WithLanguageVersion(LanguageVersion.Latest);
}
