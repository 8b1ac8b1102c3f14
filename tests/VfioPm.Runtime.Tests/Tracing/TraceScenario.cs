using System;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Tests.Vfio;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// A short recorded scenario for the exporters' tests: a GPU below a root port with platform D3cold, bound and opened;
/// the trace starts, the user enters low power with a wake eventfd, the host runs lspci (which wakes it), the user exits
/// low power and closes the file.
/// </summary>
internal sealed class TraceScenario
{
    public TraceScenario()
    {
        Rig = new VfioRig(platformD3Cold: true, open: false);
        var fds = new FileDescriptorTable();
        Wake = new EventFd();
        var wakeFd = fds.Install(Wake);
        var file = Rig.Vdev.Open(fds);
        Rig.Settle();
        Wake.Signaled += (_, _) => Rig.Platform.Mark(TimelineKind.Wakeup, Rig.Pdev, "wake eventfd signalled");

        Trace = Rig.Platform.StartTrace();
        Rig.Platform.Note("the guest powers the GPU off");
        Ioctl(file, VfioFeatureRequest.BuildLowPowerEntryWithWakeup(wakeFd), "LOW_POWER_ENTRY_WITH_WAKEUP");
        Rig.Settle();
        Rig.Platform.Note("the host runs lspci");
        Span<byte> header = stackalloc byte[4];
        Rig.Platform.HostConfigRead(Rig.Pdev, 0, header);
        Rig.Settle();
        Rig.Platform.Note("the guest powers the GPU on, then the VM shuts down");
        Ioctl(file, VfioFeatureRequest.Build(VfioUapi.VFIO_DEVICE_FEATURE_SET | VfioUapi.VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), "LOW_POWER_EXIT");
        Rig.Settle();
        file.Close();
        Rig.Settle();
        Trace.Dispose();
    }

    public VfioRig Rig { get; }

    public EventFd Wake { get; }

    public PlatformTrace Trace { get; }

    public int Ioctls { get; private set; }

    private void Ioctl(VfioDeviceFile file, byte[] request, string feature)
    {
        var result = file.Ioctl(VfioUapi.VFIO_DEVICE_FEATURE, request);
        Assert.Equal(0, result);
        Rig.Platform.Mark(TimelineKind.Ioctl, Rig.Pdev, $"{feature}: VFIO_DEVICE_FEATURE(SET | {feature}) = {result}");
        Ioctls++;
    }
}
