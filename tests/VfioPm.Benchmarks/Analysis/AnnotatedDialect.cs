namespace VfioPm.Benchmarks.Analysis;

/// <summary>Driver code against the VfioPm runtime and its annotations (what VPM0001–VPM0011 check).</summary>
public sealed class AnnotatedDialect : Dialect
{
    /// <inheritdoc/>
    public override string Usings => """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;
        """;

    /// <inheritdoc/>
    public override string Members => """
            public MemoryLock MemoryLock { get; } = new();

            [GuardedBy("MemoryLock")]
            private bool _engaged;

            [DeviceAccess(MemoryLockMode.Shared)]
            private int ReadReg(int index) => _regs[index & 63];

            [DeviceAccess(MemoryLockMode.Exclusive)]
            private void WriteReg(int index, int value) => _regs[index & 63] = value;
        """;

    /// <inheritdoc/>
    public override string? SupportFile => null;

    /// <inheritdoc/>
    public override string Get(string dev, int k, string onFailure) => $"if ({dev}.Power.ResumeAndGet() < 0) {{ {onFailure} }}";

    /// <inheritdoc/>
    public override string GetSync(string dev, int k, string onFailure) =>
        $"var r{k} = {dev}.Power.GetSync(); if (r{k} < 0) {{ {dev}.Power.PutNoIdle(); {onFailure} }}";

    /// <inheritdoc/>
    public override string Put(string dev, int k) => $"{dev}.Power.Put();";

    /// <inheritdoc/>
    public override string ScopedGet(string dev, int k, string onFailure) =>
        $"using var pm{k} = {dev}.Power.ResumeAndGetScope(); if (pm{k}.Error < 0) {{ {onFailure} }}";

    /// <inheritdoc/>
    public override string LockWrite(int k) => "MemoryLock.DownWrite();";

    /// <inheritdoc/>
    public override string UnlockWrite(int k) => "MemoryLock.UpWrite();";

    /// <inheritdoc/>
    public override string ReadScope => "using (MemoryLock.ReadLock())";
}
