using VfioPm.Runtime;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Power;

// Every method of Driver.cs on a fresh simulated device in three states: active (its resume is a no-op that returns
// 1), runtime-suspended (resumed, returns 0), and suspended with a resume that fails with -ENODEV. One line each: the
// result and the usage count before and after.
var cases = new (string Name, Func<PciDevice, int> Call)[]
{
    ("Open", d => new Driver(d).Open()),
    ("Probe", d => new Driver(d).Probe(busy: false)),
    ("Probe busy", d => new Driver(d).Probe(busy: true)),
    ("Wake", d => new Driver(d).Wake()),
    ("Resume", d => new Ops(d).Resume()),
    ("ResumeLocal", d => new Ops(d).ResumeLocal()),
    ("Dispatch 1", d => new Ops(d).Dispatch(1)),
    ("Dispatch 2", d => new Ops(d).Dispatch(2)),
};

foreach (var (name, call) in cases)
{
    foreach (var state in new[] { "active", "suspended", "failing" })
    {
        var platform = new SimulatedPlatform();
        var port = platform.AddRootPort("0000:00:1c.0");
        var pdev = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { VendorId = 0x1234, DeviceId = 0x5678, ClassCode = 0x120000 });
        platform.WritePowerControl(pdev, "auto"); // runtime PM allowed: the usage count drops to 0
        platform.RunWork();
        if (state == "active")
        {
            pdev.Power.Resume();
        }
        else
        {
            pdev.Power.Suspend();
            if (state == "failing")
            {
                platform.FailRuntimeCallback(pdev, RuntimePmCallbackKinds.Resume, -Errno.ENODEV);
            }
        }

        var before = pdev.Power.UsageCount;
        var status = pdev.Power.Status;
        var result = call(pdev);
        Console.WriteLine($"{name} {state} ({status}): {result}, usage {before} -> {pdev.Power.UsageCount}");
    }
}
