using Microsoft.CodeAnalysis;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What the result of a call with a contract can be, and which of those values mean success. Kernel conventions:
/// a failing call returns a negative errno (-4095..-1); a conditional acquire that succeeds "when zero" returns 0 or
/// an errno. The runtime's own primitives are known exactly, as runtime.c documents them.
/// </summary>
internal static class ResultValues
{
    // Built once: these are asked for at every acquire of every path.
    private static readonly ValueSet ErrnoOrZero = ValueSet.Errno.Union(ValueSet.Zero);
    private static readonly ValueSet ErrnoOrNonNegative = ValueSet.Errno.Union(ValueSet.NonNegative);
    private static readonly ValueSet ErrnoOrBool = ValueSet.Errno.Union(ValueSet.Bool);
    private static readonly ValueSet EinvalOrBool = ValueSet.Single(-22).Union(ValueSet.Bool);

    /// <summary>The results of a conditional acquire that mean "held".</summary>
    public static ValueSet Success(SuccessWhen when) => when switch
    {
        SuccessWhen.Zero => ValueSet.Zero,
        SuccessWhen.NonNegative => ValueSet.NonNegative,
        SuccessWhen.Positive => ValueSet.Positive,
        SuccessWhen.True => ValueSet.One,
        _ => ValueSet.Zero,
    };

    /// <summary>Everything <paramref name="method"/> can return under a contract whose success is <paramref name="when"/>.</summary>
    public static ValueSet Domain(IMethodSymbol method, SuccessWhen when)
    {
        if (KnownDomain(method) is { } known)
        {
            return known;
        }

        return when switch
        {
            SuccessWhen.Zero => ErrnoOrZero,
            SuccessWhen.NonNegative => ErrnoOrNonNegative,
            SuccessWhen.True => ValueSet.Bool,
            _ => ValueSet.All,
        };
    }

    /// <summary>Everything an int-returning runtime-PM call without a success condition can return.</summary>
    public static ValueSet Unconditional(IMethodSymbol method) => KnownDomain(method) ?? ValueSet.All;

    // The runtime's primitives (VfioPm.Runtime.Power.RuntimePm), as runtime.c documents their kernel counterparts:
    // pm_runtime_get_if_active/get_if_in_use return 1 (taken), 0 (not active / not in use) or -EINVAL (runtime PM
    // disabled); __pm_runtime_resume (get_sync, get) returns 1 when already active, 0 after resuming, or an errno;
    // pm_runtime_resume_and_get returns 0 or an errno.
    private static ValueSet? KnownDomain(IMethodSymbol method)
    {
        if (method.ContainingType is not { Name: "RuntimePm", ContainingNamespace: { Name: "Power", ContainingNamespace: { Name: "Runtime", ContainingNamespace.Name: "VfioPm" } } })
        {
            return null;
        }

        return method.Name switch
        {
            "GetIfActive" or "GetIfInUse" => EinvalOrBool,
            "GetSync" or "Get" or "Resume" => ErrnoOrBool,
            "ResumeAndGet" => ErrnoOrZero,
            _ => null,
        };
    }

    /// <summary>The integer value of a constant operand, if it is one (a bool is 0 or 1, null is 0).</summary>
    public static long? ConstantOf(IOperation operation)
    {
        var value = operation.ConstantValue;
        if (!value.HasValue)
        {
            return null;
        }

        return value.Value switch
        {
            int i => i,
            long l => l,
            short s => s,
            sbyte sb => sb,
            uint u => u,
            byte b => b,
            ushort us => us,
            bool b => b ? 1 : 0,
            null => 0, // null is 0: the null-ness facts use {0} for null
            _ => null,
        };
    }
}
