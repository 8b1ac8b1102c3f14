using System;
using System.Linq;
using VfioPm.Runtime;
using VfioPm.Runtime.Power;
using VfioPm.Samples.Vmm;

// A runtime-PM scenario on a small device tree: a PCIe root port with two endpoint functions below it.
// The clock and the PM workqueue are deterministic, so the timeline is the same on every run.
var clock = new ManualTimeProvider();
var queue = new ManualPmWorkQueue();
var env = new PmEnvironment(clock, queue);
var timeline = new Timeline(env);
env.Warning += (device, message) => Console.WriteLine($"    warning: {device.Name}: {message}");

var portFn = new SimulatedFunction { IsPort = true };
var port = new Device("0000:00:1c.0", null, env) { Subsystem = portFn };
var gpuFn = new SimulatedFunction();
var gpu = new Device("0000:01:00.0", port, env) { Subsystem = gpuFn };
var audioFn = new SimulatedFunction();
var audio = new Device("0000:01:00.1", port, env) { Subsystem = audioFn };
var all = new[] { port, gpu, audio };

void Settle(TimeSpan span)
{
    // Let queued work run and time pass in small steps, the way the kernel's pm_wq and hrtimers would.
    var end = clock.Elapsed + span;
    do
    {
        queue.RunUntilIdle();
        clock.Advance(TimeSpan.FromMilliseconds(10));
    }
    while (clock.Elapsed < end);
    queue.RunUntilIdle();
}

Console.WriteLine("VfioPm — runtime PM on a bridge with two functions (simulated, deterministic clock)");
Timeline.Header();

// PCI enumeration (pci_pm_init): active, runtime PM enabled, power/control "on" (forbidden: one usage reference).
foreach (var d in all)
{
    d.Power.SetActive();
    d.Power.Enable();
    d.Power.Forbid();
}

// The port driver (portdrv) lets the port autosuspend 100 ms after its last child goes idle.
port.Power.SetAutosuspendDelay(100);
port.Power.UseAutosuspend();
port.Power.MarkLastBusy();
port.Power.Allow();
timeline.Step("enumeration: all active, power/control=on for the functions, port allowed with 100 ms autosuspend");

// Drivers bind and allow runtime PM (vfio-pci does pm_runtime_allow + put at registration).
gpu.Power.Allow();
audio.Power.Allow();
Settle(TimeSpan.FromMilliseconds(50));
timeline.Step("drivers allow runtime PM: both functions idle and suspend; the port waits for its delay");
Settle(TimeSpan.FromMilliseconds(100));
timeline.Step("100 ms later: the port autosuspends (all children suspended)");

// A user touches the GPU: resume-and-get resumes the port first, then the function.
var result = gpu.Power.ResumeAndGet();
timeline.Step($"user access to {gpu.Name}: ResumeAndGet() = {Errno.Describe(result)} (port resumed first)");

gpu.Power.Put();
Settle(TimeSpan.FromMilliseconds(150));
timeline.Step("access done: Put() → the function suspends, then the port after its 100 ms delay");

// The administrator forbids runtime PM on the audio function: it resumes and keeps its parent up.
audio.Power.WriteControl("on");
Settle(TimeSpan.FromMilliseconds(150));
timeline.Step($"echo on > {audio.Name}/power/control: forbid holds a reference, the port stays up for its child");

audio.Power.WriteControl("auto");
Settle(TimeSpan.FromMilliseconds(150));
timeline.Step("echo auto: everything goes back down");

Console.WriteLine();
Console.WriteLine($"  {"device",-14} {"runtime_status",-15} {"control",-8} {"usage",5} {"kids",4} {"state",6}");
foreach (var (d, fn) in all.Zip(new[] { portFn, gpuFn, audioFn }))
{
    Console.WriteLine($"  {d.Name,-14} {d.Power.RuntimeStatusText,-15} {d.Power.ControlText,-8} {d.Power.UsageCount,5} {d.Power.ActiveKidsText,4} {fn.PowerState,6}");
}

return all.All(d => d.Power.Status == RpmStatus.Suspended && d.Power.UsageCount == 0) ? 0 : 1;
