using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VfioPm.Generators.Diagnostics;
using static VfioPm.Generators.Parsing.Reporting;

namespace VfioPm.Generators.Parsing;

/// <summary>
/// The checks on a [VfioDeviceOps] class itself: can a second partial declaration reopen it (VPM1001), does the
/// language version accept the generated code (VPM1013), are the generated members' names free (VPM1010), and is it
/// the only [VfioDeviceOps] class of its hierarchy (VPM1011). Each returns false when nothing may be generated.
/// </summary>
internal static class ClassChecks
{
    public static bool CheckExtensible(INamedTypeSymbol type, DiagnosticSink? sink, CancellationToken cancellationToken)
    {
        var ok = true;
        if (type.TypeKind != TypeKind.Class)
        {
            Report(sink, Descriptors.TypeNotPartial, type, type.Name, "it is not a class");
            ok = false;
        }
        else if (type.IsStatic)
        {
            Report(sink, Descriptors.TypeNotPartial, type, type.Name, "it is static, and the generated Ioctl, Read and Write are instance methods");
            ok = false;
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
            // A file-local type (or one nested in it) exists only in its own file; the generated file cannot name it.
            if (t.IsFileLocal)
            {
                var reason = SymbolEqualityComparer.Default.Equals(t, type)
                    ? "it is a file-local type, which a generated file cannot reopen"
                    : $"its containing type '{t.Name}' is file-local, and a generated file cannot reopen it";
                Report(sink, Descriptors.TypeNotPartial, type, type.Name, reason);
                ok = false;
            }

            if (!IsPartial(t, cancellationToken))
            {
                var reason = SymbolEqualityComparer.Default.Equals(t, type)
                    ? "it is not declared partial"
                    : $"its containing type '{t.Name}' is not declared partial";
                Report(sink, Descriptors.TypeNotPartial, type, type.Name, reason);
                ok = false;
            }
        }

        return ok;
    }

    // The generated file is parsed with the project's options, so its first declaration's tree says what it gets.
    public static bool CheckLanguageVersion(INamedTypeSymbol type, DiagnosticSink? sink)
    {
        if (type.DeclaringSyntaxReferences.Length == 0
            || type.DeclaringSyntaxReferences[0].SyntaxTree.Options is not CSharpParseOptions options
            || (int)options.LanguageVersion >= KnownNames.MinimumLanguageVersion * 100)
        {
            return true;
        }

        Report(sink, Descriptors.LanguageVersionTooLow, type, type.Name, options.LanguageVersion.ToDisplayString());
        return false;
    }

    // Every clash the compiler would report inside the generated file (CS0542, CS0102, CS0111) or warn about there
    // (CS0108, CS0114) is reported at the user's declaration instead.
    public static bool CheckGeneratedNames(INamedTypeSymbol type, DiagnosticSink? sink)
    {
        var ok = true;
        if (GeneratedMembers.IsGeneratedName(type.Name))
        {
            Report(sink, Descriptors.ReservedName, type, type.Name, GeneratedMembers.Describe(type.Name),
                "a member cannot have the name of its class (CS0542); rename the class");
            ok = false;
        }

        foreach (var parameter in type.TypeParameters)
        {
            if (GeneratedMembers.IsGeneratedName(parameter.Name))
            {
                Report(sink, Descriptors.ReservedName, parameter, parameter.Name, GeneratedMembers.Describe(parameter.Name),
                    "a member cannot have the name of a type parameter of its class; rename the type parameter");
                ok = false;
            }
        }

        foreach (var member in type.GetMembers())
        {
            if (!member.IsImplicitlyDeclared && GeneratedMembers.Conflicts(member))
            {
                Report(sink, Descriptors.ReservedName, member, member.Name, GeneratedMembers.Describe(member.Name),
                    "the class would declare it twice; rename the member (handlers need no particular name)");
                ok = false;
            }
        }

        return ok;
    }

    // Base classes: another [VfioDeviceOps] class (VPM1011), or a visible member the generated one would hide.
    public static bool CheckBaseTypes(INamedTypeSymbol type, DiagnosticSink? sink)
    {
        for (var b = type.BaseType; b is not null && b.SpecialType != SpecialType.System_Object; b = b.BaseType)
        {
            if (DeviceOpsParser.HasDeviceOps(b))
            {
                Report(sink, Descriptors.DerivedDeviceOps, type, type.Name, b.Name);
                return false;
            }
        }

        var ok = true;
        for (var b = type.BaseType; b is not null && b.SpecialType != SpecialType.System_Object; b = b.BaseType)
        {
            foreach (var member in b.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && IsVisibleTo(member, type) && GeneratedMembers.Conflicts(member))
                {
                    Report(sink, Descriptors.ReservedName, type, b.Name + "." + member.Name, GeneratedMembers.Describe(member.Name),
                        $"the generated member of '{type.Name}' would hide the inherited one (CS0108); rename the base-class member");
                    ok = false;
                }
            }
        }

        return ok;
    }

    private static bool IsVisibleTo(ISymbol member, INamedTypeSymbol type) => member.DeclaredAccessibility switch
    {
        Accessibility.Private or Accessibility.NotApplicable => false,
        Accessibility.Internal or Accessibility.ProtectedAndInternal =>
            SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, type.ContainingAssembly)
            || member.ContainingAssembly.GivesAccessTo(type.ContainingAssembly),
        _ => true,
    };

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.Length == 0)
        {
            return false;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return true;
    }
}
