using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Generators;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// A <see cref="CSharpSourceGeneratorTest{TSourceGenerator, TVerifier}"/> for the dispatcher generator: .NET 10
/// reference assemblies from Basic.Reference.Assemblies.Net100 (nothing downloaded at test time), the real
/// VfioPm.Runtime, C# latest, and compiler warnings as well as errors checked in the generated compilation.
/// </summary>
internal sealed class VfioPmGeneratorTest : CSharpSourceGeneratorTest<VfioDeviceOpsGenerator, DefaultVerifier>
{
    public VfioPmGeneratorTest()
    {
        TestState.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(VfioPm.Runtime.Errno).Assembly.Location));
        CompilerDiagnostics = CompilerDiagnostics.Warnings;
    }

    protected override ParseOptions CreateParseOptions() =>
        ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
