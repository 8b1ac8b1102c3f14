namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// The same drivers with each acquisition an <see cref="System.IDisposable"/> handle and each release its
/// <c>Dispose()</c> — the shape CA2000 (dispose objects before losing scope) tracks. References nothing of VfioPm.
/// </summary>
public sealed class DisposableDialect : Dialect
{
    /// <inheritdoc/>
    public override string Usings => """
        using System;
        using Corpus.Support;
        """;

    /// <inheritdoc/>
    public override string Members => """
            private readonly Lock _lock = new();
            private bool _engaged;

            private int ReadReg(int index) => _regs[index & 63];

            private void WriteReg(int index, int value) => _regs[index & 63] = value;
        """;

    /// <inheritdoc/>
    public override string? SupportFile => """
        using System;

        namespace Corpus.Support;

        public static class Errno
        {
            public const int EINVAL = 22, EIO = 5, EBUSY = 16, EAGAIN = 11, ENOTTY = 25;
        }

        public sealed class Device
        {
            public Device(string name) => Name = name;
            public string Name { get; }
            internal int Usage;
        }

        public sealed class Lock
        {
            internal int Holders;
        }

        public sealed class PmRef : IDisposable
        {
            private readonly Device _dev;
            public PmRef(Device dev, bool sync = false) { _dev = dev; _dev.Usage++; Error = sync && dev.Name.Length == 0 ? -Errno.EIO : 0; }
            public int Error { get; }
            public void Dispose() => _dev.Usage--;
        }

        public sealed class WriteHold : IDisposable
        {
            private readonly Lock _lock;
            public WriteHold(Lock l) { _lock = l; _lock.Holders++; }
            public void Dispose() => _lock.Holders--;
        }

        public sealed class ReadHold : IDisposable
        {
            private readonly Lock _lock;
            public ReadHold(Lock l) { _lock = l; _lock.Holders++; }
            public void Dispose() => _lock.Holders--;
        }
        """;

    /// <inheritdoc/>
    public override string Get(string dev, int k, string onFailure) =>
        $"var pm{k} = new PmRef({dev}); if (pm{k}.Error < 0) {{ pm{k}.Dispose(); {onFailure} }}";

    /// <inheritdoc/>
    public override string GetSync(string dev, int k, string onFailure) =>
        $"var pm{k} = new PmRef({dev}, sync: true); if (pm{k}.Error < 0) {{ pm{k}.Dispose(); {onFailure} }}";

    /// <inheritdoc/>
    public override string Put(string dev, int k) => $"pm{k}.Dispose();";

    /// <inheritdoc/>
    public override string ScopedGet(string dev, int k, string onFailure) =>
        $"using var pm{k} = new PmRef({dev}); if (pm{k}.Error < 0) {{ {onFailure} }}";

    /// <inheritdoc/>
    public override string LockWrite(int k) => $"var lk{k} = new WriteHold(_lock);";

    /// <inheritdoc/>
    public override string UnlockWrite(int k) => $"lk{k}.Dispose();";

    /// <inheritdoc/>
    public override string ReadScope => "using (new ReadHold(_lock))";
}
