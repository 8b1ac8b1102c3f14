// kind: bug
// needs: engine
// ports: sound/soc/sof/sof-of-dev.c sof_of_probe_complete() — before the fix: a put with no get to match it
// fix: "ASoC: SOF: Remove pm_runtime_put_autosuspend() for SOF OF device" (Allen-KH Cheng, 2021; thesofproject/linux#3230)
namespace KernelCorpus.Cases;

public static class SofOfProbeComplete
{
    public const int SndSofSuspendDelayMs = 2000;

    public static void ProbeComplete(Device dev)
    {
        // Allow runtime PM.
        dev.Power.SetAutosuspendDelay(SndSofSuspendDelayMs);
        dev.Power.UseAutosuspend();
        dev.Power.Enable();

        dev.Power.MarkLastBusy();
        dev.Power.PutAutosuspend(); // <-- VPM0002
    }
}
