using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace VfioPm.Benchmarks.Generation;

/// <summary>
/// Variant drivers for the generator: <c>classes</c> [VfioDeviceOps] classes of ten handlers each — four ioctls, three
/// device features, a read/write region pair and a read-only region — one file per class. Handler bodies do a little
/// work on the buffer, so a one-line edit inside one is a realistic edit that changes no model.
/// </summary>
public static class HandlerCorpus
{
    /// <summary>Handlers per class.</summary>
    public const int HandlersPerClass = 10;

    /// <summary>The sources.</summary>
    public static IReadOnlyList<(string Path, string Text)> Generate(int classes)
    {
        var files = new List<(string, string)>(classes);
        for (var i = 0; i < classes; i++)
        {
            files.Add(($"/handlers/Device{i:D4}.cs", Class(i, edited: false)));
        }

        return files;
    }

    /// <summary>Class <paramref name="index"/>, with its one-line edit applied when <paramref name="edited"/> (a constant in a handler body).</summary>
    public static string Class(int index, bool edited)
    {
        var sb = new StringBuilder(4096);
        sb.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Buffers.Binary;
            using VfioPm.Annotations;
            using VfioPm.Runtime;
            using VfioPm.Runtime.Pci;

            namespace Handlers.Group{{index / 10}};

            [VfioDeviceOps]
            public sealed partial class Device{{index}}
            {
                private readonly byte[] _mailbox = new byte[256];

                public Device{{index}}(PciDevice pdev) => Pdev = pdev;

                [PmDevice]
                public PciDevice Pdev { get; }

            """);
        for (var k = 0; k < 4; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""
                    [VfioIoctl(0x{{0x3B80 + k:X4}})]
                    private int Ioctl{{k}}(Span<byte> arg)
                    {
                        if (arg.Length < 8)
                        {
                            return -Errno.EFAULT;
                        }

                        BinaryPrimitives.WriteUInt32LittleEndian(arg[4..], {{(edited && k == 0 ? 1000 + index : index + k)}}u);
                        return 0;
                    }

                """);
        }

        for (var k = 0; k < 3; k++)
        {
            sb.Append(CultureInfo.InvariantCulture, $$"""
                    [VfioFeature(0x{{0x8000 + k:X4}}, FeatureOps.Get | FeatureOps.Set, MinArgSize = 4)]
                    private int Feature{{k}}(uint flags, Span<byte> payload)
                    {
                        if ((flags & 0x10000u) != 0)
                        {
                            BinaryPrimitives.WriteUInt32LittleEndian(payload, {{k}}u);
                            return 0;
                        }

                        return BinaryPrimitives.ReadUInt32LittleEndian(payload) > 3 ? -Errno.EINVAL : 0;
                    }

                """);
        }

        sb.Append(CultureInfo.InvariantCulture, $$"""
                [VfioRegion(9)]
                private long ReadMailbox(Span<byte> buffer, long offset) =>
                    offset < _mailbox.Length ? CopyOut(buffer, (int)offset) : -Errno.EINVAL;

                [VfioRegion(9)]
                private long WriteMailbox(ReadOnlySpan<byte> buffer, long offset)
                {
                    if (offset >= _mailbox.Length)
                    {
                        return -Errno.EINVAL;
                    }

                    var n = Math.Min(buffer.Length, _mailbox.Length - (int)offset);
                    buffer[..n].CopyTo(_mailbox.AsSpan((int)offset));
                    return n;
                }

                [VfioRegion(0)]
                private int ReadBar0(Span<byte> buffer, long offset) => Pdev.ReadBar(0, offset, buffer);

                private long CopyOut(Span<byte> buffer, int offset)
                {
                    var n = Math.Min(buffer.Length, _mailbox.Length - offset);
                    _mailbox.AsSpan(offset, n).CopyTo(buffer);
                    return n;
                }
            }

            """);
        return sb.ToString();
    }
}
