using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VfioPm.Generators.Diagnostics;
using VfioPm.Generators.Models;
using static VfioPm.Generators.Parsing.Reporting;

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

    /// <summary>Parses <paramref name="type"/>.</summary>
    /// <returns>The model, or <see langword="null"/> when nothing can be generated (not partial, no usable [PmDevice], ...).</returns>
    public static DeviceOpsModel? Parse(INamedTypeSymbol type, DiagnosticSink? sink, CancellationToken cancellationToken)
    {
        var ok = ClassChecks.CheckExtensible(type, sink, cancellationToken);
        ok &= ClassChecks.CheckLanguageVersion(type, sink);
        ok &= ClassChecks.CheckGeneratedNames(type, sink);
        ok &= ClassChecks.CheckBaseTypes(type, sink);
        var pm = PmDeviceParser.Find(type, sink);
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
            if (member is not IMethodSymbol method)
            {
                continue;
            }

            foreach (var attribute in method.GetAttributes())
            {
                if (HandlerAttributeName(attribute) is not { } attributeName)
                {
                    continue;
                }

                if (UncallableReason(method) is { } reason)
                {
                    Report(sink, Descriptors.UncallableHandler, method, method.Name, attributeName, reason);
                }
                else if (attributeName == "VfioIoctl")
                {
                    ParseIoctl(method, attribute, sink, ioctls, ioctlOwners);
                }
                else if (attributeName == "VfioFeature")
                {
                    ParseFeature(method, attribute, sink, features, featureOwners);
                }
                else
                {
                    ParseRegion(method, attribute, sink, regions, regionOwners);
                }
            }
        }

        if (!ok)
        {
            return null;
        }

        var metadataName = HintNames.MetadataName(type);
        return new DeviceOpsModel(
            HintNames.Readable(metadataName),
            metadataName,
            CSharpNames.Namespace(type.ContainingNamespace),
            TypeChain(type),
            pm!,
            new EquatableArray<IoctlHandlerModel>(ioctls.OrderBy(h => h.Command).ToArray()),
            new EquatableArray<FeatureHandlerModel>(features.OrderBy(h => h.Id).ToArray()),
            new EquatableArray<RegionHandlerModel>(regions.OrderBy(h => h.Index).ThenBy(h => h.IsWrite).ToArray()));
    }

    /// <summary>
    /// True when <paramref name="declaration"/> carries the class's first [VfioDeviceOps]. The attribute on two
    /// partial declarations (CS0579) reaches the generator once per declaration, each time with every application in
    /// that syntax tree; only the declaration holding the first one produces a model, so the file is written once.
    /// </summary>
    public static bool IsFirstApplication(INamedTypeSymbol type, SyntaxNode declaration)
    {
        var first = type.GetAttributes().FirstOrDefault(a => SymbolNames.IsAnnotation(a, KnownNames.DeviceOpsAttribute))?.ApplicationSyntaxReference;
        if (first is null || declaration is not TypeDeclarationSyntax typeDeclaration)
        {
            return true;
        }

        return first.SyntaxTree == declaration.SyntaxTree && typeDeclaration.AttributeLists.Any(list => list.Span.Contains(first.Span));
    }

    /// <summary>Why generated code cannot call <paramref name="method"/> by name as <c>this.M(...)</c>, or null when it can.</summary>
    public static string? UncallableReason(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.Ordinary when CSharpNames.IsObsoleteError(method) => "it is [Obsolete] as an error (CS0619 in the generated call); remove the handler attribute or the error flag",
        MethodKind.Ordinary => null,
        MethodKind.ExplicitInterfaceImplementation => "it is an explicit interface implementation, which has no name in the class; make it an ordinary method and call it from the implementation",
        MethodKind.LocalFunction => "it is a local function, visible only inside its enclosing method; make it a method of the class",
        MethodKind.AnonymousFunction => "it is a lambda; make it a method of the class",
        _ => "it is not an ordinary method (" + method.MethodKind.ToString() + "); make it a method of the class",
    };

    /// <summary>The handler attribute names (without "Attribute") a method carries, for VPM1009 and VPM1012.</summary>
    public static IEnumerable<string> HandlerAttributeNames(IMethodSymbol method)
    {
        foreach (var attribute in method.GetAttributes())
        {
            if (HandlerAttributeName(attribute) is { } name)
            {
                yield return name;
            }
        }
    }

    private static string? HandlerAttributeName(AttributeData attribute) =>
        SymbolNames.IsAnnotation(attribute, KnownNames.IoctlAttribute) ? "VfioIoctl"
        : SymbolNames.IsAnnotation(attribute, KnownNames.FeatureAttribute) ? "VfioFeature"
        : SymbolNames.IsAnnotation(attribute, KnownNames.RegionAttribute) ? "VfioRegion"
        : null;

    /// <summary>True when <paramref name="type"/> carries [VfioDeviceOps].</summary>
    public static bool HasDeviceOps(INamedTypeSymbol type) =>
        type.GetAttributes().Any(a => SymbolNames.IsAnnotation(a, KnownNames.DeviceOpsAttribute));

    // ---- the class -----------------------------------------------------------------------------------------------

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
                ? CSharpNames.Identifier(t.Name)
                : CSharpNames.Identifier(t.Name) + "<" + string.Join(", ", t.TypeParameters.Select(TypeParameter)) + ">";
            chain.Add(new TypeDeclarationModel(keyword, name));
        }

        chain.Reverse();
        return new EquatableArray<TypeDeclarationModel>(chain.ToArray());
    }

    // Partial declarations must repeat a containing interface's variance (CS1067).
    private static string TypeParameter(ITypeParameterSymbol parameter) => parameter.Variance switch
    {
        VarianceKind.In => "in " + CSharpNames.Identifier(parameter.Name),
        VarianceKind.Out => "out " + CSharpNames.Identifier(parameter.Name),
        _ => CSharpNames.Identifier(parameter.Name),
    };

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
            Report(sink, Descriptors.InvalidFeature, attribute, method, CSharpNames.FeatureId(id), method.Name,
                "FeatureOps.None supports no direction, so every GET and SET is refused with -EINVAL; use FeatureOps.Get, FeatureOps.Set or both");
            valid = false;
        }
        else if ((ops & ~KnownNames.FeatureGetSet) != 0)
        {
            Report(sink, Descriptors.InvalidFeature, attribute, method, CSharpNames.FeatureId(id), method.Name,
                "FeatureOps 0x" + ops.ToString("X", CultureInfo.InvariantCulture) + " has bits other than Get (0x10000) and Set (0x20000)");
            valid = false;
        }

        if (minArgSize < 0)
        {
            Report(sink, Descriptors.InvalidFeature, attribute, method, CSharpNames.FeatureId(id), method.Name,
                "MinArgSize " + minArgSize.ToString(CultureInfo.InvariantCulture) + " is negative");
            valid = false;
        }

        if (!valid)
        {
            return;
        }

        if (minArgSize > KnownNames.MaxPlausibleMinArgSize)
        {
            // A warning: the handler is generated, and every request fails vfio_check_feature as written.
            Report(sink, Descriptors.HugeMinArgSize, attribute, method, CSharpNames.FeatureId(id), method.Name,
                minArgSize.ToString(CultureInfo.InvariantCulture), KnownNames.MaxPlausibleMinArgSize.ToString(CultureInfo.InvariantCulture));
        }

        if (owners.TryGetValue(id, out var owner))
        {
            Report(sink, Descriptors.DuplicateHandler, attribute, method, method.Name, "feature " + CSharpNames.FeatureId(id), owner);
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
                "region index " + index.ToString(CultureInfo.InvariantCulture) + " cannot be addressed: a non-negative file offset carries indexes 0..0x7FFFFF in bits 40..62, and the VFS refuses a negative one with -EINVAL");
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
        (method.IsStatic ? method.ContainingType.ToDisplayString(CSharpNames.Qualified) : "this") + "." + CSharpNames.Identifier(method.Name);

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
}
