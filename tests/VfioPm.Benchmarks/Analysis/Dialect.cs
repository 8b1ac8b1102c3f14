namespace VfioPm.Benchmarks.Analysis;

/// <summary>
/// How a synthetic driver spells its acquire/release primitives. The corpus writes every method once against this
/// interface, so the annotated corpus (VfioPm's runtime-PM references and <c>memory_lock</c>) and the
/// <see cref="System.IDisposable"/> corpus (what CA2000 tracks) have the same shape: the same paths, the same acquires
/// and releases on them, the same leaks.
/// </summary>
public abstract class Dialect
{
    /// <summary>The annotated dialect: <c>ResumeAndGet</c>/<c>Put</c>, <c>DownWrite</c>/<c>UpWrite</c>, [DeviceAccess], [GuardedBy].</summary>
    public static Dialect Annotated { get; } = new AnnotatedDialect();

    /// <summary>The IDisposable dialect: a handle object per acquisition, released by <c>Dispose()</c>; no VfioPm anywhere.</summary>
    public static Dialect Disposable { get; } = new DisposableDialect();

    /// <summary>The <c>using</c> lines of a driver file.</summary>
    public abstract string Usings { get; }

    /// <summary>Members every driver class declares (lock, guarded flag, register accessors).</summary>
    public abstract string Members { get; }

    /// <summary>The source of the types the dialect's code uses (added to the compilation once), or null.</summary>
    public abstract string? SupportFile { get; }

    /// <summary>Take a reference on <paramref name="dev"/> (handle number <paramref name="k"/>); if that fails, nothing is held and <paramref name="onFailure"/> runs.</summary>
    public abstract string Get(string dev, int k, string onFailure);

    /// <summary>A get that keeps its reference on failure (get_sync): the failure path drops it, then runs <paramref name="onFailure"/>.</summary>
    public abstract string GetSync(string dev, int k, string onFailure);

    /// <summary>Drop reference <paramref name="k"/> on <paramref name="dev"/>.</summary>
    public abstract string Put(string dev, int k);

    /// <summary>A reference released at the end of the enclosing block; <paramref name="onFailure"/> runs if the get fails.</summary>
    public abstract string ScopedGet(string dev, int k, string onFailure);

    /// <summary>Take the lock for write (handle number <paramref name="k"/>).</summary>
    public abstract string LockWrite(int k);

    /// <summary>Release the write hold <paramref name="k"/>.</summary>
    public abstract string UnlockWrite(int k);

    /// <summary>A statement header holding the lock for read over the following block.</summary>
    public abstract string ReadScope { get; }
}
