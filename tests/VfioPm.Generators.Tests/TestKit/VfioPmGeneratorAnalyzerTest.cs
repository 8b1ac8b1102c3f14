using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using VfioPm.Generators.Diagnostics;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// A <see cref="CSharpAnalyzerTest{TAnalyzer, TVerifier}"/> of the generator's companion analyzer (VPM1001..) with the
/// generator running too, as in a user's build: the expected diagnostics are the whole set, and the compilation with the
/// generated code must be free of compiler warnings. References as <see cref="VfioPmGeneratorTest"/>.
/// </summary>
internal sealed class VfioPmGeneratorAnalyzerTest : CSharpAnalyzerTest<VfioDeviceOpsAnalyzer, DefaultVerifier>
{
    public VfioPmGeneratorAnalyzerTest()
    {
        TestState.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net100.References.All);
        TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(VfioPm.Runtime.Errno).Assembly.Location));
        CompilerDiagnostics = CompilerDiagnostics.Warnings;
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        // Test inputs carry no doc comments; the generated code's are checked.
        DisabledDiagnostics.Add("CS1591");
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(VfioDeviceOpsGenerator)];

    protected override ParseOptions CreateParseOptions() =>
        ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    protected override CompilationOptions CreateCompilationOptions() =>
        ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);
}
