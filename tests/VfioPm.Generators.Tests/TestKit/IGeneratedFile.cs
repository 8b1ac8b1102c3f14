using System;

namespace VfioPm.Generators.Tests.TestKit;

/// <summary>
/// What a generated [VfioDeviceOps] class exposes. Test drivers compiled at run time declare it, and the generated
/// public members implement it implicitly, so tests call them with spans (reflection cannot pass a span).
/// </summary>
public interface IGeneratedFile
{
    int Ioctl(uint cmd, Span<byte> arg);

    long Read(Span<byte> buf, long offset);

    long Write(ReadOnlySpan<byte> buf, long offset);
}
