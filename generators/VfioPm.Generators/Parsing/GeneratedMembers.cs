using Microsoft.CodeAnalysis;

namespace VfioPm.Generators.Parsing;

/// <summary>
/// The members the emitter adds to a [VfioDeviceOps] class, and which user members would clash with them:
/// <c>Ioctl(uint, Span&lt;byte&gt;)</c>, <c>Read(Span&lt;byte&gt;, long)</c>, <c>Write(ReadOnlySpan&lt;byte&gt;, long)</c> and
/// the private helper name <c>VfioPmDeviceFeature</c>, reserved whole.
/// </summary>
internal static class GeneratedMembers
{
    public static bool IsGeneratedName(string name) =>
        name is KnownNames.IoctlMember or KnownNames.ReadMember or KnownNames.WriteMember or KnownNames.DeviceFeatureMember;

    /// <summary>For messages: the generated member of that name.</summary>
    public static string Describe(string name) => name switch
    {
        KnownNames.IoctlMember => "Ioctl(uint, Span<byte>)",
        KnownNames.ReadMember => "Read(Span<byte>, long)",
        KnownNames.WriteMember => "Write(ReadOnlySpan<byte>, long)",
        _ => "private helper VfioPmDeviceFeature (a reserved name)",
    };

    /// <summary>
    /// True when <paramref name="member"/>, declared in the class or a base class, cannot coexist with the generated
    /// member of its name: any non-method of that name; a method with the generated parameter list (an overload with
    /// other parameters, other ref kinds or type parameters is fine); anything named VfioPmDeviceFeature.
    /// </summary>
    public static bool Conflicts(ISymbol member)
    {
        if (!IsGeneratedName(member.Name))
        {
            return false;
        }

        if (member is not IMethodSymbol method || member.Name == KnownNames.DeviceFeatureMember)
        {
            return true;
        }

        if (method.MethodKind != MethodKind.Ordinary || method.IsGenericMethod || method.Parameters.Length != 2)
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                return false;
            }
        }

        var first = method.Parameters[0].Type;
        var second = method.Parameters[1].Type;
        return member.Name switch
        {
            KnownNames.IoctlMember => first.SpecialType == SpecialType.System_UInt32 && SymbolNames.IsByteSpan(second, readOnly: false),
            KnownNames.ReadMember => SymbolNames.IsByteSpan(first, readOnly: false) && second.SpecialType == SpecialType.System_Int64,
            _ => SymbolNames.IsByteSpan(first, readOnly: true) && second.SpecialType == SpecialType.System_Int64,
        };
    }
}
