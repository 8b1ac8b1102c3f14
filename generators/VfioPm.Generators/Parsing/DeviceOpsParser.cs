using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VfioPm.Generators.Diagnostics;
using VfioPm.Generators.Models;

namespace VfioPm.Generators.Parsing;

/// <summary>Receives a diagnostic found while parsing (the analyzer turns it into a <see cref="Diagnostic"/>).</summary>
internal delegate void DiagnosticSink(DiagnosticDescriptor descriptor, Location? location, params object?[] args);

/// <summary>
/// Turns a [VfioDeviceOps] class symbol into a <see cref="DeviceOpsModel"/>. One parser serves both sides: the
/// generator calls it without a sink (invalid pieces are skipped quietly) and the analyzer calls it with one (every
/// skip is reported), so what is diagnosed and what is generated cannot drift apart.
/// </summary>
internal static class DeviceOpsParser
{
    private const string IoctlShape = "int Handler(Span<byte> arg)";
    private const string FeatureShape = "int Handler(uint flags, Span<byte> payload)";
    private const string RegionShape = "int or long Handler(Span<byte> buffer, long offset) to read, or int or long Handler(ReadOnlySpan<byte> buffer, long offset) to write";

    private static readonly SymbolDisplayFormat QualifiedFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    /// <summary>Parses <paramref name="type"/>.</summary>
    /// <returns>The model, or <see langword="null"/> when nothing can be generated (not partial, no usable [PmDevice]).</returns>
    public static DeviceOpsModel? Parse(INamedTypeSymbol type, DiagnosticSink? sink, CancellationToken cancellationToken)
    {
        var ok = CheckExtensible(type, sink, cancellationToken);
        var pm = FindPmDevice(type, sink);
        ok &= pm is not null;

        var ioctls = new List<IoctlHandlerModel>();
        var features = new List<FeatureHandlerModel>();
        var regions = new List<RegionHandlerModel>();
        var ioctlOwners = new Dictionary<uint, string>();
        var featureOwners = new Dictionary<ushort, string>();
        var regionOwners = new Dictionary<(int, bool), string>();

        foreach (var member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member is not IMethodSymbol { MethodKind: MethodKind.Ordinary } method)
            {
                continue;
            }

            foreach (var attribute in method.GetAttributes())
            {
                if (SymbolNames.IsAnnotation(attribute, KnownNames.IoctlAttribute))
                {
                    ParseIoctl(method, attribute, sink, ioctls, ioctlOwners);
                }
                else if (SymbolNames.IsAnnotation(attribute, KnownNames.FeatureAttribute))
                {
                    ParseFeature(method, attribute, sink, features, featureOwners);
                }
                else if (SymbolNames.IsAnnotation(attribute, KnownNames.RegionAttribute))
                {
                    ParseRegion(method, attribute, sink, regions, regionOwners);
                }
            }
        }

        if (!ok)
        {
            return null;
        }

        return new DeviceOpsModel(
            HintName(type),
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
            TypeChain(type),
            pm!,
            new EquatableArray<IoctlHandlerModel>(ioctls.OrderBy(h => h.Command).ToArray()),
            new EquatableArray<FeatureHandlerModel>(features.OrderBy(h => h.Id).ToArray()),
            new EquatableArray<RegionHandlerModel>(regions.OrderBy(h => h.Index).ThenBy(h => h.IsWrite).ToArray()));
    }

    /// <summary>The handler attribute names (without "Attribute") a method carries, for the analyzer's VPM1009.</summary>
    public static IEnumerable<string> HandlerAttributeNames(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (SymbolNames.IsAnnotation(attribute, KnownNames.IoctlAttribute))
            {
                yield return "VfioIoctl";
            }
            else if (SymbolNames.IsAnnotation(attribute, KnownNames.FeatureAttribute))
            {
                yield return "VfioFeature";
            }
            else if (SymbolNames.IsAnnotation(attribute, KnownNames.RegionAttribute))
            {
                yield return "VfioRegion";
            }
        }
    }

    /// <summary>True when <paramref name="type"/> carries [VfioDeviceOps].</summary>
    public static bool HasDeviceOps(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => SymbolNames.IsAnnotation(a, KnownNames.DeviceOpsAttribute));

    // ---- the class -----------------------------------------------------------------------------------------------

    private static bool CheckExtensible(INamedTypeSymbol type, DiagnosticSink? sink, CancellationToken cancellationToken)
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

        if (type.IsFileLocal)
        {
            Report(sink, Descriptors.TypeNotPartial, type, type.Name, "it is a file-local type, which a generated file cannot reopen");
            ok = false;
        }

        for (var t = type; t is not null; t = t.ContainingType)
        {
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

    private static EquatableArray<TypeDeclarationModel> TypeChain(INamedTypeSymbol type)
    {
        var chain = new List<TypeDeclarationModel>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            var keyword = (t.TypeKind, t.IsRecord) switch
            {
                (TypeKind.Struct, true) => "record struct",
                (TypeKind.Struct, false) => "struct",
                (TypeKind.Interface, _) => "interface",
                (_, true) => "record",
                _ => "class",
            };
            var name = t.TypeParameters.Length == 0
                ? t.Name
                : t.Name + "<" + string.Join(", ", t.TypeParameters.Select(p => p.Name)) + ">";
            chain.Add(new TypeDeclarationModel(keyword, name));
        }

        chain.Reverse();
        return new EquatableArray<TypeDeclarationModel>(chain.ToArray());
    }

    // "N.Outer.Driver`1" → "N.Outer.Driver_1.VfioDeviceOps.g.cs": unique per type, file-name safe.
    private static string HintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            parts.Add(t.MetadataName);
        }

        parts.Reverse();
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : string.Empty;
        var builder = new StringBuilder(ns + string.Join(".", parts));
        for (var i = 0; i < builder.Length; i++)
        {
            var c = builder[i];
            if (!(char.IsLetterOrDigit(c) || c == '.' || c == '_'))
            {
                builder[i] = '_';
            }
        }

        return builder.Append(".VfioDeviceOps.g.cs").ToString();
    }

    // ---- [PmDevice] ----------------------------------------------------------------------------------------------

    // Returns the RuntimePm expression for the one usable [PmDevice] member, or null (reported).
    private static string? FindPmDevice(INamedTypeSymbol type, DiagnosticSink? sink)
    {
        ISymbol? first = null;
        string? expression = null;
        var count = 0;
        foreach (var member in type.GetMembers())
        {
            if (member is not (IFieldSymbol or IPropertySymbol)
                || !member.GetAttributes().Any(a => SymbolNames.IsAnnotation(a, KnownNames.PmDeviceAttribute)))
            {
                continue;
            }

            count++;
            if (first is not null)
            {
                Report(sink, Descriptors.MultiplePmDevices, member, type.Name, first.Name, member.Name);
                continue;
            }

            first = member;
            expression = PmExpression(type, member, sink);
        }

        if (count == 0)
        {
            Report(sink, Descriptors.MissingPmDevice, type, type.Name);
            return null;
        }

        return count == 1 ? expression : null;
    }

    private static string? PmExpression(INamedTypeSymbol type, ISymbol member, DiagnosticSink? sink)
    {
        ITypeSymbol memberType;
        NullableAnnotation annotation;
        if (member is IPropertySymbol property)
        {
            if (property.GetMethod is null)
            {
                Report(sink, Descriptors.BadPmDevice, member, member.Name, "it has no getter");
                return null;
            }

            memberType = property.Type;
            annotation = property.NullableAnnotation;
        }
        else
        {
            var field = (IFieldSymbol)member;
            memberType = field.Type;
            annotation = field.NullableAnnotation;
        }

        string suffix;
        if (SymbolNames.IsOrDerivesFrom(memberType, KnownNames.PowerNamespace, KnownNames.DeviceType))
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
                $"its type is '{memberType.ToDisplayString()}', expected VfioPm.Runtime.Power.Device (or a derived type) or VfioPm.Runtime.Power.RuntimePm");
            return null;
        }

        if (annotation == NullableAnnotation.Annotated)
        {
            Report(sink, Descriptors.BadPmDevice, member, member.Name, "it is nullable; the generated bracket needs a device on every call");
            return null;
        }

        var receiver = member.IsStatic ? type.ToDisplayString(QualifiedFormat) : "this";
        return receiver + "." + Identifier(member.Name) + suffix;
    }

    // ---- handlers ------------------------------------------------------------------------------------------------

    private static void ParseIoctl(
        IMethodSymbol method, AttributeData attribute, DiagnosticSink? sink,
        List<IoctlHandlerModel> handlers, Dictionary<uint, string> owners)
    {
        if (!(HasShape(method, SpecialType.System_Int32) && method.Parameters.Length == 1
                && SymbolNames.IsByteSpan(method.Parameters[0].Type, readOnly: false)))
        {
            Report(sink, Descriptors.BadHandlerSignature, method, method.Name, "VfioIoctl", IoctlShape);
            return;
        }

        if (!TryGetConstructorArgument(attribute, 0, out var raw) || !TryToUInt32(raw, out var cmd))
        {
            return; // the compiler reports the malformed attribute
        }

        var what = "ioctl 0x" + cmd.ToString("X", CultureInfo.InvariantCulture);
        if (cmd == KnownNames.VfioDeviceFeature)
        {
            Report(sink, Descriptors.UnreachableHandler, attribute, method, method.Name,
                "the generated Ioctl dispatches VFIO_DEVICE_FEATURE (0x3B75) to the [VfioFeature] handlers itself; declare a [VfioFeature] handler instead");
            return;
        }

        if (owners.TryGetValue(cmd, out var owner))
        {
            Report(sink, Descriptors.DuplicateHandler, attribute, method, method.Name, what, owner);
            return;
        }

        owners.Add(cmd, method.Name);
        handlers.Add(new IoctlHandlerModel(cmd, method.Name, CallTarget(method)));
    }

    private static void ParseFeature(
        IMethodSymbol method, AttributeData attribute, DiagnosticSink? sink,
        List<FeatureHandlerModel> handlers, Dictionary<ushort, string> owners)
    {
        if (!(HasShape(method, SpecialType.System_Int32) && method.Parameters.Length == 2
                && method.Parameters[0].Type.SpecialType == SpecialType.System_UInt32
                && SymbolNames.IsByteSpan(method.Parameters[1].Type, readOnly: false)))
        {
            Report(sink, Descriptors.BadHandlerSignature, method, method.Name, "VfioFeature", FeatureShape);
            return;
        }

        if (!TryGetConstructorArgument(attribute, 0, out var rawId) || !TryToUInt32(rawId, out var id32) || id32 > ushort.MaxValue
            || !TryGetConstructorArgument(attribute, 1, out var rawOps) || !TryToUInt32(rawOps, out var ops))
        {
            return;
        }

        var id = (ushort)id32;
        var minArgSize = 0;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "MinArgSize" && named.Value.Value is int size)
            {
                minArgSize = size;
            }
        }

        var valid = true;
        if (ops == 0)
        {
            Report(sink, Descriptors.InvalidFeature, attribute, method, id, method.Name,
                "FeatureOps.None supports no direction, so every GET and SET is refused with -EINVAL; use FeatureOps.Get, FeatureOps.Set or both");
            valid = false;
        }
        else if ((ops & ~KnownNames.FeatureGetSet) != 0)
        {
            Report(sink, Descriptors.InvalidFeature, attribute, method, id, method.Name,
                "FeatureOps 0x" + ops.ToString("X", CultureInfo.InvariantCulture) + " has bits other than Get (0x10000) and Set (0x20000)");
            valid = false;
        }

        if (minArgSize < 0)
        {
            Report(sink, Descriptors.InvalidFeature, attribute, method, id, method.Name,
                "MinArgSize " + minArgSize.ToString(CultureInfo.InvariantCulture) + " is negative");
            valid = false;
        }

        if (!valid)
        {
            return;
        }

        if (owners.TryGetValue(id, out var owner))
        {
            Report(sink, Descriptors.DuplicateHandler, attribute, method, method.Name, "feature " + id.ToString(CultureInfo.InvariantCulture), owner);
            return;
        }

        owners.Add(id, method.Name);
        handlers.Add(new FeatureHandlerModel(id, ops, minArgSize, method.Name, CallTarget(method)));
    }

    private static void ParseRegion(
        IMethodSymbol method, AttributeData attribute, DiagnosticSink? sink,
        List<RegionHandlerModel> handlers, Dictionary<(int, bool), string> owners)
    {
        bool isWrite;
        if ((HasShape(method, SpecialType.System_Int32) || HasShape(method, SpecialType.System_Int64))
            && method.Parameters.Length == 2
            && method.Parameters[1].Type.SpecialType == SpecialType.System_Int64
            && (SymbolNames.IsByteSpan(method.Parameters[0].Type, readOnly: false) || SymbolNames.IsByteSpan(method.Parameters[0].Type, readOnly: true)))
        {
            isWrite = SymbolNames.IsByteSpan(method.Parameters[0].Type, readOnly: true);
        }
        else
        {
            Report(sink, Descriptors.BadHandlerSignature, method, method.Name, "VfioRegion", RegionShape);
            return;
        }

        if (!TryGetConstructorArgument(attribute, 0, out var raw) || raw is not int index)
        {
            return;
        }

        if (index < 0 || index > KnownNames.MaxRegionIndex)
        {
            Report(sink, Descriptors.UnreachableHandler, attribute, method, method.Name,
                "region index " + index.ToString(CultureInfo.InvariantCulture) + " cannot be encoded in a file offset (valid: 0..16777215)");
            return;
        }

        if (owners.TryGetValue((index, isWrite), out var owner))
        {
            Report(sink, Descriptors.DuplicateHandler, attribute, method, method.Name,
                (isWrite ? "writes" : "reads") + " of region " + index.ToString(CultureInfo.InvariantCulture), owner);
            return;
        }

        owners.Add((index, isWrite), method.Name);
        handlers.Add(new RegionHandlerModel(index, isWrite, method.Name, CallTarget(method)));
    }

    // Common shape: the return type, non-generic, every parameter by value.
    private static bool HasShape(IMethodSymbol method, SpecialType returnType) =>
        method.ReturnType.SpecialType == returnType
        && !method.ReturnsByRef && !method.ReturnsByRefReadonly
        && !method.IsGenericMethod
        && method.Parameters.All(p => p.RefKind == RefKind.None && !p.IsParams);

    private static string CallTarget(IMethodSymbol method) =>
        (method.IsStatic ? method.ContainingType.ToDisplayString(QualifiedFormat) : "this") + "." + Identifier(method.Name);

    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    private static bool TryGetConstructorArgument(AttributeData attribute, int index, out object? value)
    {
        value = null;
        if (attribute.ConstructorArguments.Length <= index || attribute.ConstructorArguments[index].Kind == TypedConstantKind.Error)
        {
            return false;
        }

        value = attribute.ConstructorArguments[index].Value;
        return value is not null;
    }

    private static bool TryToUInt32(object? value, out uint result)
    {
        switch (value)
        {
            case uint u:
                result = u;
                return true;
            case int i when i >= 0:
                result = (uint)i;
                return true;
            case ushort s:
                result = s;
                return true;
            default:
                result = 0;
                return false;
        }
    }

    // ---- reporting (only when a sink is given: the generator never builds locations) --------------------------------

    private static void Report(DiagnosticSink? sink, DiagnosticDescriptor descriptor, ISymbol symbol, params object?[] args)
    {
        if (sink is not null)
        {
            sink(descriptor, symbol.Locations.FirstOrDefault(), args);
        }
    }

    private static void Report(DiagnosticSink? sink, DiagnosticDescriptor descriptor, AttributeData attribute, ISymbol fallback, params object?[] args)
    {
        if (sink is not null)
        {
            var location = attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? fallback.Locations.FirstOrDefault();
            sink(descriptor, location, args);
        }
    }
}
