using System.Threading.Tasks;
using VfioPm.Analyzers.Tests.Verification;

namespace VfioPm.Analyzers.Tests.Rules;

/// <summary>
/// VPM0007 for a callee that takes a named memory_lock itself, <c>[ExcludesMemoryLock(Lock = "vdev.MemoryLock")]</c>:
/// <c>vfio_lock_and_set_power_state(vdev, state)</c> takes <c>vdev-&gt;memory_lock</c> for write. Called with that lock
/// held it deadlocks on itself; called with another device's lock of the same set held, it takes a different lock. The
/// named lock is resolved at the call (<c>vdev</c> is the argument), as for [RequiresMemoryLock]; without a name any
/// memory_lock held still counts. <c>{|VPMxxxx:span|}</c> marks each expected diagnostic
/// (<see cref="VfioPmRulesAnalyzerTest"/>).
/// </summary>
public sealed class NamedExcludedLockTests
{
    [Fact]
    public Task OnlyTheNamedLockOfTheCalledDeviceDeadlocks() => VfioPmRulesAnalyzerTest.RunAsync("""
        using VfioPm.Annotations; using VfioPm.Runtime; using VfioPm.Runtime.Pci; using VfioPm.Runtime.Vfio;
        sealed class Vdev
        {
            public Vdev(PciDevice pdev) { Pdev = pdev; }
            [PmDevice, PtGuardedBy(nameof(MemoryLock))] public PciDevice Pdev { get; }
            public MemoryLock MemoryLock { get; } = new();
        }

        abstract class Config
        {
            // vfio_lock_and_set_power_state(): takes vdev->memory_lock for write.
            [ExcludesMemoryLock(Lock = "vdev.MemoryLock")]
            protected abstract void LockAndSetPowerState(Vdev vdev, int state);

            // A helper that takes whichever memory_lock it is handed: any held counts.
            [ExcludesMemoryLock]
            protected abstract void TakesSomeLock(Vdev vdev);

            // Another function's lock held across the call: not the one it takes.
            public void OtherDevice(Vdev held, Vdev target)
            {
                held.MemoryLock.DownWrite();
                LockAndSetPowerState(target, 0);
                held.MemoryLock.UpWrite();
            }

            // Its own lock held: it waits for itself.
            public void SameDevice(Vdev vdev)
            {
                vdev.MemoryLock.DownRead();
                {|VPM0007:LockAndSetPowerState(vdev, 3)|};
                vdev.MemoryLock.UpRead();
            }

            public void Unnamed(Vdev held, Vdev target)
            {
                held.MemoryLock.DownWrite();
                {|VPM0007:TakesSomeLock(target)|};
                held.MemoryLock.UpWrite();
            }
        }
        """);
}
