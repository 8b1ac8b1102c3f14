using VfioPm.Annotations;
using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Vfio;

// Code that `dotnet format analyzers --diagnostics VPM0003 VPM0008` rewrites. Program.cs runs every method on every
// path before and after; the fixes may change only what a failing resume does.
public sealed class Driver(PciDevice pdev)
{
    // VPM0003, fixed: the failure branch returns without a put.
    public int Open()
    {
        var ret = pdev.Power.GetSync();
        if (ret < 0)
            return ret;

        pdev.Power.Put();
        return 0;
    }

    // VPM0003, fixed: the put only a failure path runs goes; the busy success path keeps its put.
    public int Probe(bool busy)
    {
        int ret = pdev.Power.GetSync();
        if (ret < 0)
        {
            if (busy)
            {
                pdev.Power.PutNoIdle();
                return ret;
            }

            return -Errno.EIO;
        }

        if (busy)
        {
            pdev.Power.PutNoIdle();
            return -Errno.EBUSY;
        }

        pdev.Power.Put();
        return 0;
    }

    // VPM0003, not fixed: a successful GetSync's 1 ("already active") is returned, which ResumeAndGet would make 0.
    public int Wake()
    {
        var ret = pdev.Power.GetSync();
        if (ret < 0)
            return ret;

        pdev.Power.Put();
        return ret;
    }
}

[VfioDeviceOps]
public sealed partial class Ops(PciDevice pdev)
{
    [PmDevice] public PciDevice Pdev { get; } = pdev;

    [VfioIoctl(VfioUapi.VFIO_DEVICE_RESET)]
    private int Reset(Span<byte> arg) => 0;

    // VPM0008, fixed: an expression body keeps its call.
    public int Resume() => Pdev.Power.Resume();

    // VPM0008, fixed: a local keeps its success value.
    public int ResumeLocal()
    {
        var ret = Pdev.Power.Resume();
        return ret;
    }

    // VPM0008, fixed in both sections.
    public int Dispatch(int op)
    {
        switch (op)
        {
            case 1:
                return Pdev.Power.Resume();
            default:
                return Pdev.Power.Idle();
        }
    }
}
