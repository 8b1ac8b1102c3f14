using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// Synthetic driver sources: N files, one driver class each, built from method shapes real drivers have — error labels
/// (<c>goto out_unlock</c>), get/put inside loops, get_sync with its failure put, two devices with unwinding, scoped
/// references, a switch of ioctl cases, code that touches no PM state at all — and, in about one file in three, a leak
/// (a reference or the lock kept on an error path). The shapes are written once against a <see cref="Dialect"/>, so the
/// annotated and the IDisposable corpora are the same code with different primitives. Deterministic for a given N.
/// </summary>
public static class DriverCorpus
{
    private delegate void Shape(StringBuilder sb, Dialect d, int m, Random rng);

    private static readonly Shape[] Regular = { Probe, Poll, Reset, Link, Status, Ioctl, Checksum, Describe, Checksum, Describe };
    private static readonly Shape[] Bugs = { LeakOnError, LockLeakOnError };

    /// <summary>The sources of <paramref name="count"/> drivers in <paramref name="dialect"/>, plus its support file if it has one.</summary>
    public static IReadOnlyList<(string Path, string Text)> Generate(Dialect dialect, int count)
    {
        var files = new List<(string, string)>(count + 1);
        if (dialect.SupportFile is { } support)
        {
            files.Add(("/corpus/Support.cs", support));
        }

        for (var i = 0; i < count; i++)
        {
            files.Add(($"/corpus/Driver{i:D5}.cs", Driver(dialect, i)));
        }

        return files;
    }

    /// <summary>One driver file.</summary>
    public static string Driver(Dialect d, int index)
    {
        var rng = new Random(index * 7919 + 17);
        var sb = new StringBuilder(8192);
        sb.Append(d.Usings).Append("\n\nnamespace Corpus.Drivers;\n\n");
        sb.Append(Inv($"/// <summary>Synthetic driver {index}.</summary>\npublic sealed class Driver{index}\n{{\n"));
        sb.Append("    private readonly Device _dev;\n    private readonly Device _aux;\n    private readonly int[] _regs = new int[64];\n    private int _state;\n\n");
        sb.Append(Inv($"    public Driver{index}(Device dev, Device aux)\n    {{\n        _dev = dev;\n        _aux = aux;\n        _state = {rng.Next(1000)};\n    }}\n\n"));
        sb.Append(d.Members).Append('\n');

        var m = 0;
        foreach (var shape in Regular)
        {
            if (rng.Next(5) != 0)
            {
                sb.Append('\n');
                shape(sb, d, m++, rng);
            }
        }

        if (rng.Next(3) == 0)
        {
            sb.Append('\n');
            Bugs[rng.Next(Bugs.Length)](sb, d, m, rng);
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    // Error labels: the reference and the lock are released once, at the labels, on every path.
    private static void Probe(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Probe{{m}}(int flags)
            {
                int ret;
                {{d.Get("_dev", 1, "return -Errno.EIO;")}}
                {{d.LockWrite(2)}}
                if ((flags & {{1 << rng.Next(8)}}) != 0)
                {
                    ret = -Errno.EINVAL;
                    goto out_unlock;
                }

                for (var i = 0; i < {{4 + rng.Next(12)}}; i++)
                {
                    WriteReg(i, flags + i);
                    if (ReadReg(i) < 0)
                    {
                        ret = -Errno.EIO;
                        goto out_unlock;
                    }
                }

                _engaged = true;
                ret = 0;
            out_unlock:
                {{d.UnlockWrite(2)}}
                {{d.Put("_dev", 1)}}
                return ret;
            }

        """));

    // A get/put pair per loop iteration, skipped when the get fails.
    private static void Poll(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Poll{{m}}(int count)
            {
                var sum = 0;
                for (var i = 0; i < count; i++)
                {
                    {{d.Get("_dev", 1, "continue;")}}
                    {{d.ReadScope}}
                    {
                        sum += ReadReg(i + {{rng.Next(64)}});
                    }

                    {{d.Put("_dev", 1)}}
                }

                return sum;
            }

        """));

    // get_sync: the reference is kept on failure, so the failure path drops it.
    private static void Reset(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Reset{{m}}()
            {
                {{d.GetSync("_dev", 1, "return -Errno.EIO;")}}
                {{d.LockWrite(2)}}
                WriteReg({{rng.Next(64)}}, 1);
                _engaged = false;
                {{d.UnlockWrite(2)}}
                {{d.Put("_dev", 1)}}
                return 0;
            }

        """));

    // Two devices, the second get unwinding the first.
    private static void Link(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Link{{m}}(bool wide)
            {
                {{d.Get("_aux", 1, "return -Errno.EIO;")}}
                {{d.Get("_dev", 2, d.Put("_aux", 1) + " return -Errno.EIO;")}}
                var value = 0;
                {{d.ReadScope}}
                {
                    value = ReadReg({{rng.Next(64)}}) + (wide ? ReadReg({{rng.Next(64)}}) : 0);
                }

                {{d.Put("_dev", 2)}}
                {{d.Put("_aux", 1)}}
                return value;
            }

        """));

    // A scoped reference.
    private static void Status(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Status{{m}}()
            {
                {{d.ScopedGet("_dev", 1, "return -Errno.EIO;")}}
                {{d.ReadScope}}
                {
                    return ReadReg({{rng.Next(64)}}) + (_engaged ? 1 : 0);
                }
            }

        """));

    // Each case brackets its own work.
    private static void Ioctl(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Ioctl{{m}}(uint cmd, int arg)
            {
                switch (cmd)
                {
                    case {{0x3B00 + rng.Next(0x40)}}u:
                    {
                        {{d.Get("_dev", 1, "return -Errno.EIO;")}}
                        {{d.ReadScope}}
                        {
                            arg += ReadReg(arg);
                        }

                        {{d.Put("_dev", 1)}}
                        return arg;
                    }

                    case {{0x3B40 + rng.Next(0x40)}}u:
                    {
                        {{d.Get("_dev", 2, "return -Errno.EIO;")}}
                        {{d.LockWrite(3)}}
                        WriteReg(arg, {{rng.Next(1000)}});
                        {{d.UnlockWrite(3)}}
                        {{d.Put("_dev", 2)}}
                        return 0;
                    }

                    default:
                        return -Errno.ENOTTY;
                }
            }

        """));

    // No PM state at all: most of a driver.
    private static void Checksum(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public static int Checksum{{m}}(ReadOnlySpan<byte> data)
            {
                var h = {{rng.Next(100000)}};
                foreach (var b in data)
                {
                    h = (h * 31) ^ b;
                    if ((h & 0xff) == 0)
                    {
                        h += {{1 + rng.Next(9)}};
                    }
                }

                return h;
            }

        """));

    private static void Describe(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public string Describe{{m}}(int level) => level switch
            {
                0 => "off",
                {{1 + rng.Next(3)}} => $"low {_state}",
                _ => string.Concat("high ", level.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            };

        """));

    // Bug: the early return keeps the reference.
    private static void LeakOnError(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int Leaky{{m}}(bool busy)
            {
                {{d.Get("_dev", 1, "return -Errno.EIO;")}}
                if (busy)
                {
                    return -Errno.EBUSY;
                }

                {{d.Put("_dev", 1)}}
                return {{rng.Next(3)}};
            }

        """));

    // Bug: the error path drops the reference but keeps the lock.
    private static void LockLeakOnError(StringBuilder sb, Dialect d, int m, Random rng) => sb.Append(Inv($$"""
            public int LockLeak{{m}}(int v)
            {
                {{d.Get("_dev", 1, "return -Errno.EIO;")}}
                {{d.LockWrite(2)}}
                if (v < {{rng.Next(4)}})
                {
                    {{d.Put("_dev", 1)}}
                    return -Errno.EINVAL;
                }

                WriteReg(v, v);
                {{d.UnlockWrite(2)}}
                {{d.Put("_dev", 1)}}
                return 0;
            }

        """));

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
