using System.Threading;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Stress.Machine;

/// <summary>
/// The PF's VFs as their users see them. A VF user holds the pool shared for its whole session; <c>sriov_numvfs</c>
/// writes take it exclusively. That is the kernel's "remove waits for the VF's users" (vfio unregister blocks until the
/// last file is closed), which the model answers with -EBUSY instead of waiting.
/// </summary>
public sealed class VirtualFunctionPool
{
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly StressDevice _pf;
    private readonly VfioPciDriver _driver;

    internal VirtualFunctionPool(StressDevice pf, VfioPciDriver driver)
    {
        _pf = pf;
        _driver = driver;
    }

    /// <summary>Starts a VF session on VF number <paramref name="pick"/> (modulo the VFs enabled); false if there are none.</summary>
    public bool TryEnter(int pick, out VfioPciCoreDevice vf)
    {
        _gate.EnterReadLock();
        var vfs = _pf.Pdev.VirtualFunctions;
        var device = vfs.Count == 0 ? null : _driver.GetDevice(vfs[pick % vfs.Count]);
        if (device is null)
        {
            _gate.ExitReadLock();
            vf = null!;
            return false;
        }

        vf = device;
        return true;
    }

    /// <summary>Ends a VF session.</summary>
    public void Exit() => _gate.ExitReadLock();

    /// <summary>Writes <c>sriov_numvfs</c>: enables <paramref name="numVfs"/> VFs, or disables them with 0.</summary>
    public int Configure(int numVfs)
    {
        _gate.EnterWriteLock();
        try
        {
            return _pf.Vdev.SriovConfigure(numVfs);
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }
}
