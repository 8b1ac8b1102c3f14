using System.Linq;
using Microsoft.CodeAnalysis;
using VfioPm.Generators.Diagnostics;
using static VfioPm.Generators.Parsing.Reporting;

namespace VfioPm.Generators.Parsing;

/// <summary>Finds the class's one usable [PmDevice] member and the <c>RuntimePm</c> expression that reaches it.</summary>
internal static class PmDeviceParser
{
    // Type parameters constrained by type parameters: a chain this deep is not written by hand.
    private const int MaxConstraintDepth = 8;

    /// <summary>The RuntimePm expression for the one usable [PmDevice] member, or null (reported).</summary>
    public static string? Find(INamedTypeSymbol type, DiagnosticSink? sink)
    {
        ISymbol? first = null;
        string? expression = null;
        var count = 0;
        foreach (var declared in type.GetMembers())
        {
            if (declared is not (IFieldSymbol or IPropertySymbol)
                || !declared.GetAttributes().Any(a => SymbolNames.IsAnnotation(a, KnownNames.PmDeviceAttribute)))
            {
                continue;
            }

            // [field: PmDevice] on an auto-property lands on its backing field ("<Dev>k__BackingField"), which
            // source cannot name: the property is the member the user meant.
            var member = declared is IFieldSymbol { IsImplicitlyDeclared: true, AssociatedSymbol: IPropertySymbol property } ? property : declared;
            count++;
            if (first is not null)
            {
                Report(sink, Descriptors.MultiplePmDevices, member, type.Name, first.Name, member.Name);
                continue;
            }

            first = member;
            expression = Expression(type, member, sink);
        }

        if (count == 0)
        {
            Report(sink, Descriptors.MissingPmDevice, type, type.Name);
            return null;
        }

        return count == 1 ? expression : null;
    }

    private static string? Expression(INamedTypeSymbol type, ISymbol member, DiagnosticSink? sink)
    {
        ITypeSymbol memberType;
        NullableAnnotation annotation;
        if (member is IPropertySymbol property)
        {
            var problem = property switch
            {
                { IsIndexer: true } => "it is an indexer, which needs arguments the generated code does not have",
                { ExplicitInterfaceImplementations.Length: > 0 } => "it is an explicit interface implementation, which the class cannot name; mark a property of the class itself",
                { GetMethod: null } => "it has no getter",
                _ when CSharpNames.IsObsoleteError(property) || CSharpNames.IsObsoleteError(property.GetMethod!) => "it is [Obsolete] as an error, so the generated code cannot read it",
                _ => null,
            };
            if (problem is not null)
            {
                Report(sink, Descriptors.BadPmDevice, member, member.Name, problem);
                return null;
            }

            memberType = property.Type;
            annotation = property.NullableAnnotation;
        }
        else
        {
            var field = (IFieldSymbol)member;
            if (CSharpNames.IsObsoleteError(field))
            {
                Report(sink, Descriptors.BadPmDevice, member, member.Name, "it is [Obsolete] as an error, so the generated code cannot read it");
                return null;
            }

            memberType = field.Type;
            annotation = field.NullableAnnotation;
        }

        string suffix;
        if (IsDevice(memberType, 0))
        {
            suffix = ".Power";
        }
        else if (SymbolNames.Is(memberType, KnownNames.PowerNamespace, KnownNames.RuntimePmType))
        {
            suffix = string.Empty;
        }
        else
        {
            Report(sink, Descriptors.BadPmDevice, member, member.Name,
                $"its type is '{memberType.ToDisplayString()}', expected VfioPm.Runtime.Power.Device (or a derived type, or a type parameter constrained to one) or VfioPm.Runtime.Power.RuntimePm");
            return null;
        }

        if (annotation == NullableAnnotation.Annotated)
        {
            Report(sink, Descriptors.BadPmDevice, member, member.Name, "it is nullable; the generated bracket needs a device on every call");
            return null;
        }

        var receiver = member.IsStatic ? type.ToDisplayString(CSharpNames.Qualified) : "this";
        return receiver + "." + CSharpNames.Identifier(member.Name) + suffix;
    }

    // A Device, a type derived from it, or a type parameter one of whose constraints is (TDev : Device, or
    // TDev : TBase where TBase : PciDevice): member access on such a type parameter binds to Device.Power.
    private static bool IsDevice(ITypeSymbol type, int depth)
    {
        if (type is ITypeParameterSymbol parameter)
        {
            return depth < MaxConstraintDepth && parameter.ConstraintTypes.Any(c => IsDevice(c, depth + 1));
        }

        return SymbolNames.IsOrDerivesFrom(type, KnownNames.PowerNamespace, KnownNames.DeviceType);
    }
}
