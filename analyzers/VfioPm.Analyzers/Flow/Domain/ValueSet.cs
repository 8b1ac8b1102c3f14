using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Operations;

namespace VfioPm.Analyzers.Flow;

/// <summary>
/// What one path knows about an integer (or bool, or null-ness) value: a union of at most <see cref="MaxIntervals"/>
/// disjoint closed intervals, as Smatch's range lists. A bool is {0} or {1}; a reference is {0} for null and
/// "not 0" for not null. Bounded: a union that would need more intervals is widened by filling its narrowest gaps, so
/// it only ever gains values — an over-approximation, which can keep two paths apart less, never invent one.
/// Immutable, with value equality.
/// </summary>
internal sealed class ValueSet : IEquatable<ValueSet>
{
    /// <summary>Intervals kept per set before the narrowest gaps are filled.</summary>
    public const int MaxIntervals = 4;

    /// <summary>The largest errno value (Linux's MAX_ERRNO): a failing kernel-style call returns -4095..-1.</summary>
    public const long MaxErrno = 4095;

    public static readonly ValueSet Empty = new(Array.Empty<long>());
    public static readonly ValueSet All = Range(long.MinValue, long.MaxValue);
    public static readonly ValueSet Zero = Single(0);
    public static readonly ValueSet One = Single(1);
    public static readonly ValueSet NonZero = Zero.Complement();
    public static readonly ValueSet Negative = Range(long.MinValue, -1);
    public static readonly ValueSet Positive = Range(1, long.MaxValue);
    public static readonly ValueSet NonNegative = Range(0, long.MaxValue);
    public static readonly ValueSet Errno = Range(-MaxErrno, -1);
    public static readonly ValueSet Bool = Range(0, 1);

    // lo0, hi0, lo1, hi1, ...: sorted, disjoint and not adjacent (hi_k + 1 < lo_k+1).
    private readonly long[] _bounds;
    private int _hash;

    private ValueSet(long[] bounds) => _bounds = bounds;

    public static ValueSet Single(long value) => new(new[] { value, value });

    public static ValueSet Range(long lo, long hi) => lo > hi ? Empty : new(new[] { lo, hi });

    public bool IsEmpty => _bounds.Length == 0;

    public long Min => _bounds[0];

    public long Max => _bounds[_bounds.Length - 1];

    /// <summary>The value, when the set holds exactly one.</summary>
    public long? AsConstant => _bounds.Length == 2 && _bounds[0] == _bounds[1] ? _bounds[0] : null;

    public bool Contains(long value)
    {
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            if (value >= _bounds[i] && value <= _bounds[i + 1])
            {
                return true;
            }
        }

        return false;
    }

    public bool Overlaps(ValueSet other) => !Intersect(other).IsEmpty;

    public bool IsSubsetOf(ValueSet other) => Intersect(other).Equals(this);

    public ValueSet Intersect(ValueSet other)
    {
        if (ReferenceEquals(this, other) || ReferenceEquals(other, All))
        {
            return this;
        }

        if (ReferenceEquals(this, All))
        {
            return other;
        }

        var result = new List<long>();
        int i = 0, j = 0;
        while (i < _bounds.Length && j < other._bounds.Length)
        {
            var lo = Math.Max(_bounds[i], other._bounds[j]);
            var hi = Math.Min(_bounds[i + 1], other._bounds[j + 1]);
            if (lo <= hi)
            {
                result.Add(lo);
                result.Add(hi);
            }

            if (_bounds[i + 1] < other._bounds[j + 1])
            {
                i += 2;
            }
            else
            {
                j += 2;
            }
        }

        return Make(result);
    }

    public ValueSet Complement()
    {
        var result = new List<long>();
        var next = long.MinValue;
        var open = true;
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            if (_bounds[i] > next)
            {
                result.Add(next);
                result.Add(_bounds[i] - 1);
            }

            if (_bounds[i + 1] == long.MaxValue)
            {
                open = false;
                break;
            }

            next = _bounds[i + 1] + 1;
        }

        if (open)
        {
            result.Add(next);
            result.Add(long.MaxValue);
        }

        return Make(result);
    }

    public ValueSet Except(ValueSet other) => Intersect(other.Complement());

    public ValueSet Union(ValueSet other)
    {
        if (ReferenceEquals(this, other) || other.IsEmpty)
        {
            return this;
        }

        var all = new List<(long Lo, long Hi)>();
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            all.Add((_bounds[i], _bounds[i + 1]));
        }

        for (var i = 0; i < other._bounds.Length; i += 2)
        {
            all.Add((other._bounds[i], other._bounds[i + 1]));
        }

        all.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var result = new List<long>();
        foreach (var (lo, hi) in all)
        {
            if (result.Count > 0 && (result[result.Count - 1] == long.MaxValue || lo <= result[result.Count - 1] + 1))
            {
                result[result.Count - 1] = Math.Max(result[result.Count - 1], hi);
            }
            else
            {
                result.Add(lo);
                result.Add(hi);
            }
        }

        return Make(result);
    }

    /// <summary>Every value plus <paramref name="delta"/> (saturating at the ends, which stay infinite).</summary>
    public ValueSet Shift(long delta)
    {
        if (IsEmpty || delta == 0)
        {
            return this;
        }

        var bounds = new List<long>(_bounds.Length);
        foreach (var b in _bounds)
        {
            bounds.Add(b == long.MinValue || b == long.MaxValue ? b
                : delta > 0 && b > long.MaxValue - delta ? long.MaxValue
                : delta < 0 && b < long.MinValue - delta ? long.MinValue
                : b + delta);
        }

        return Make(bounds);
    }

    /// <summary>
    /// Widening, for loop heads: the hull of both, with a bound that moved since <paramref name="before"/> pushed to
    /// infinity — so an index counting up settles at [start, +∞) after one step instead of one state per value.
    /// </summary>
    public static ValueSet Widen(ValueSet before, ValueSet after)
    {
        if (after.IsSubsetOf(before))
        {
            return before;
        }

        if (before.IsEmpty || after.IsEmpty)
        {
            return before.Union(after);
        }

        var lo = after.Min < before.Min ? long.MinValue : before.Min;
        var hi = after.Max > before.Max ? long.MaxValue : before.Max;
        return Range(lo, hi);
    }

    /// <summary>
    /// The values for which "value <paramref name="kind"/> <paramref name="constant"/>" holds (mirrored when the value is
    /// on the right); <see langword="null"/> for an operator that is not a comparison.
    /// </summary>
    public static ValueSet? WhereTrue(BinaryOperatorKind kind, long constant, bool valueOnLeft)
    {
        if (!valueOnLeft)
        {
            kind = kind switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => kind,
            };
        }

        return kind switch
        {
            BinaryOperatorKind.LessThan => constant == long.MinValue ? Empty : Range(long.MinValue, constant - 1),
            BinaryOperatorKind.LessThanOrEqual => Range(long.MinValue, constant),
            BinaryOperatorKind.GreaterThan => constant == long.MaxValue ? Empty : Range(constant + 1, long.MaxValue),
            BinaryOperatorKind.GreaterThanOrEqual => Range(constant, long.MaxValue),
            BinaryOperatorKind.Equals => Single(constant),
            BinaryOperatorKind.NotEquals => Single(constant).Complement(),
            _ => null,
        };
    }

    private static ValueSet Make(List<long> bounds)
    {
        if (bounds.Count == 0)
        {
            return Empty;
        }

        // Over the bound: fill the narrowest gap until it fits (widening).
        while (bounds.Count > MaxIntervals * 2)
        {
            var narrowest = 1;
            var gap = ulong.MaxValue;
            for (var k = 1; k + 1 < bounds.Count; k += 2)
            {
                var g = unchecked((ulong)(bounds[k + 1] - bounds[k]));
                if (g < gap)
                {
                    gap = g;
                    narrowest = k;
                }
            }

            bounds.RemoveRange(narrowest, 2);
        }

        if (bounds.Count == 2 && bounds[0] == long.MinValue && bounds[1] == long.MaxValue && All is not null)
        {
            return All;
        }

        return new ValueSet(bounds.ToArray());
    }

    public bool Equals(ValueSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._bounds.Length != _bounds.Length)
        {
            return false;
        }

        for (var i = 0; i < _bounds.Length; i++)
        {
            if (_bounds[i] != other._bounds[i])
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is ValueSet other && Equals(other);

    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var h = 19;
            foreach (var b in _bounds)
            {
                h = (h * 31) + b.GetHashCode();
            }

            _hash = h == 0 ? 1 : h;
        }

        return _hash;
    }

    public override string ToString()
    {
        if (IsEmpty)
        {
            return "{}";
        }

        var text = new StringBuilder();
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            text.Append(i == 0 ? string.Empty : " ∪ ").Append(_bounds[i] == _bounds[i + 1] ? _bounds[i].ToString() : "[" + Show(_bounds[i]) + ", " + Show(_bounds[i + 1]) + "]");
        }

        return text.ToString();
    }

    private static string Show(long v) => v == long.MinValue ? "-∞" : v == long.MaxValue ? "+∞" : v.ToString();
}
