using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VfioPm.Analyzers.Tests.Harness;
using Xunit.Sdk;

namespace VfioPm.Analyzers.Tests.HarnessTests;

public class TestCompilationTests
{
    private const string UsesRuntime = """
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;

        public static class Driver
        {
            public static int Touch(Device dev, VfioPciCoreDevice vdev)
            {
                var ret = dev.Power.ResumeAndGet();
                if (ret != 0)
                {
                    return ret;
                }

                using (vdev.MemoryLock.ReadLock())
                {
                }

                dev.Power.Put();
                return 0;
            }
        }
        """;

    private const string OwnRuntimePm = """
        using VfioPm.Annotations;

        public sealed class FakePm
        {
            [AcquiresPmReference(OnSuccess = true, SuccessWhen = PmReferenceSuccess.Zero)]
            public int ResumeAndGet() => 0;

            [ReleasesPmReference]
            public void Put() { }
        }
        """;

    [Fact]
    public void The_default_references_the_real_runtime()
    {
        var compilation = TestCompilation.Create(UsesRuntime);
        Assert.Contains(compilation.References, r => r.Display?.EndsWith("VfioPm.Runtime.dll", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Framework_references_come_from_the_shared_framework_only()
    {
        var references = TestCompilation.FrameworkReferences.Select(r => System.IO.Path.GetFileName(r.Display!)).ToList();
        Assert.Contains("System.Runtime.dll", references);
        Assert.Contains("System.Private.CoreLib.dll", references);
        Assert.DoesNotContain(references, r => r.StartsWith("VfioPm.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("xunit", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_are_a_nullable_enabled_library_at_the_latest_language_version()
    {
        var compilation = TestCompilation.Create("public class C { }");
        Assert.Equal(OutputKind.DynamicallyLinkedLibrary, compilation.Options.OutputKind);
        Assert.Equal(NullableContextOptions.Enable, compilation.Options.NullableContextOptions);
        Assert.Equal(LanguageVersion.Latest.MapSpecifiedToEffectiveVersion(), compilation.LanguageVersion);
        Assert.True(compilation.LanguageVersion >= LanguageVersion.CSharp13);
    }

    [Fact]
    public void Nullable_warnings_are_reported_but_do_not_fail()
    {
        var compilation = TestCompilation.Create("public class C { public string S = null; }");
        Assert.Contains(compilation.GetDiagnostics(), d => d.Id == "CS8625");
    }

    [Fact]
    public void Compiler_errors_fail_the_test_and_are_printed()
    {
        var error = Assert.ThrowsAny<XunitException>(() => TestCompilation.Create("public class C\n{\n    int M() => undefinedName;\n}"));
        Assert.Contains("CS0103", error.Message, StringComparison.Ordinal);
        Assert.Contains("Test0.cs(3:", error.Message, StringComparison.Ordinal);
        Assert.Contains("undefinedName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compiler_errors_can_be_allowed()
    {
        var compilation = TestCompilation.Create("public class C { int M() => undefinedName; }", VerifierSettings.Default with { AllowCompilerErrors = true });
        Assert.Contains(compilation.GetDiagnostics(), d => d.Id == "CS0103");
    }

    [Fact]
    public void Inline_annotations_replace_the_runtime_reference()
    {
        var inline = VerifierSettings.Default with { Annotations = AnnotationSource.Inline };
        var compilation = TestCompilation.Create(OwnRuntimePm, inline);
        Assert.DoesNotContain(compilation.References, r => r.Display?.Contains("VfioPm.Runtime", StringComparison.Ordinal) == true);
        var attribute = compilation.GetTypeByMetadataName("VfioPm.Annotations.AcquiresPmReferenceAttribute");
        Assert.NotNull(attribute);
        Assert.True(attribute.Locations.Single().IsInSource);
        Assert.Equal(Accessibility.Public, attribute.DeclaredAccessibility);

        // Without the runtime, its types are gone.
        Assert.ThrowsAny<XunitException>(() => TestCompilation.Create(UsesRuntime, inline));
    }

    [Fact]
    public void Inline_internal_annotations_are_internal()
    {
        var compilation = TestCompilation.Create(OwnRuntimePm, VerifierSettings.Default with { Annotations = AnnotationSource.InlineInternal });
        foreach (var name in new[] { "AcquiresPmReferenceAttribute", "DeviceAccessAttribute", "MemoryLockMode", "PmReferenceSuccess", "GuardedByAttribute" })
        {
            var type = compilation.GetTypeByMetadataName("VfioPm.Annotations." + name);
            Assert.NotNull(type);
            Assert.Equal(Accessibility.Internal, type.DeclaredAccessibility);
        }
    }

    [Fact]
    public void Every_annotation_file_is_embedded()
    {
        var names = TestCompilation.AnnotationSources(makeInternal: false).Select(s => System.IO.Path.GetFileName(s.Path)).ToList();
        Assert.Contains("AcquiresPmReferenceAttribute.cs", names);
        Assert.Contains("ReleasesPmReferenceAttribute.cs", names);
        Assert.Contains("DeviceAccessAttribute.cs", names);
        Assert.Contains("ExcludesMemoryLockAttribute.cs", names);
        Assert.Contains("GuardedByAttribute.cs", names);
        Assert.Contains("RuntimePmCallbackAttribute.cs", names);
        var runtimeAnnotations = typeof(VfioPm.Annotations.DeviceAccessAttribute).Assembly.GetTypes()
            .Where(t => t.Namespace == "VfioPm.Annotations" && t.IsPublic)
            .Select(t => t.Name + ".cs")
            .ToList();
        Assert.Equal(runtimeAnnotations.OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Several_sources_compile_together()
    {
        var compilation = TestCompilation.Create(["public class A { }", "public class B : A { }"]);
        Assert.Equal(new[] { TestCompilation.SourcePath(0), TestCompilation.SourcePath(1) }, compilation.SyntaxTrees.Select(t => t.FilePath));
    }
}
