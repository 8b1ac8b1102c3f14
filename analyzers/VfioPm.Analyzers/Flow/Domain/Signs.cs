using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What is known about a kernel-style int result on a path: which of negative, zero, positive it can be. A bool
/// (trylock) result uses Zero for false and Positive for true. Enough to follow "if (r &lt; 0) return r;".
/// </summary>
[Flags]
internal enum Signs : byte
{
    None = 0,
    Negative = 1,
    Zero = 2,
    Positive = 4,
    All = Negative | Zero | Positive,
}

internal static class SignLogic
{
    // The three sign classes, in order (one array for every comparison: WhereTrue runs at every branch of every body).
    private static readonly Signs[] Classes = { Signs.Negative, Signs.Zero, Signs.Positive };

    /// <summary>The results of a conditional acquire that mean "held".</summary>
    public static Signs Success(SuccessWhen when) => when switch
    {
        SuccessWhen.Zero => Signs.Zero,
        SuccessWhen.NonNegative => Signs.Zero | Signs.Positive,
        SuccessWhen.Positive or SuccessWhen.True => Signs.Positive,
        _ => Signs.Zero,
    };

    /// <summary>The results a conditional acquire can have at all (resume_and_get never returns a positive value).</summary>
    public static Signs Domain(SuccessWhen when) => when switch
    {
        SuccessWhen.Zero => Signs.Negative | Signs.Zero,
        SuccessWhen.True => Signs.Zero | Signs.Positive,
        _ => Signs.All,
    };

    /// <summary>
    /// The signs for which "value <paramref name="kind"/> <paramref name="constant"/>" can be true; <see langword="null"/>
    /// when the comparison does not split cleanly by sign (e.g. "r == -EIO": a negative r may or may not match).
    /// </summary>
    public static Signs? WhereTrue(BinaryOperatorKind kind, long constant, bool valueOnLeft)
    {
        if (!valueOnLeft)
        {
            kind = Mirror(kind);
        }

        var result = Signs.None;
        foreach (var sign in Classes)
        {
            var truth = Evaluate(kind, sign, constant);
            if (truth is null)
            {
                return null;
            }

            if (truth.Value)
            {
                result |= sign;
            }
        }

        return result;
    }

    // Is "x OP c" true for every x of the sign class (true), none (false), or some (null)?
    private static bool? Evaluate(BinaryOperatorKind kind, Signs sign, long c)
    {
        // Range of the class: negative (-inf,-1], zero [0,0], positive [1,+inf).
        long lo = sign == Signs.Negative ? long.MinValue : sign == Signs.Zero ? 0 : 1;
        long hi = sign == Signs.Negative ? -1 : sign == Signs.Zero ? 0 : long.MaxValue;
        return kind switch
        {
            BinaryOperatorKind.LessThan => hi < c ? true : lo >= c ? false : null,
            BinaryOperatorKind.LessThanOrEqual => hi <= c ? true : lo > c ? false : null,
            BinaryOperatorKind.GreaterThan => lo > c ? true : hi <= c ? false : null,
            BinaryOperatorKind.GreaterThanOrEqual => lo >= c ? true : hi < c ? false : null,
            BinaryOperatorKind.Equals => lo == hi && lo == c ? true : (c < lo || c > hi) ? false : Positive1(sign, c, equal: true),
            BinaryOperatorKind.NotEquals => lo == hi && lo == c ? false : (c < lo || c > hi) ? true : Positive1(sign, c, equal: false),
            _ => null,
        };
    }

    // get_if_active returns 1 for success: treat "== 1" / "!= 1" on the positive class as exact.
    private static bool? Positive1(Signs sign, long c, bool equal) =>
        sign == Signs.Positive && c == 1 ? equal : null;

    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        _ => kind,
    };

    /// <summary>The integer value of a constant operand, if it is one.</summary>
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
            bool b => b ? 1 : 0,
            _ => null,
        };
    }
}
