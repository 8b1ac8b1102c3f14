// kind: bug
// needs: contracts
// ports: sound/soc/sof/debug.c snd_sof_handle_fw_exception() — before the fix: with the retain-context debug flag every
//        firmware exception takes another usage reference that nothing records, so remove cannot give them back
// fix: "ASoC: SOF: Fix runtime pm usage counter balance after fw exception" (Peter Ujfalusi, 2024; thesofproject/linux#4787)
// why: the reference that keeps the DSP out of D3 is owned by a flag of the device (issue 12: ownership held by object state)
namespace KernelCorpus.Cases;

public abstract class SofFwExceptionRetainCtx
{
    protected SofFwExceptionRetainCtx(Device dev) => Dev = dev;

    public Device Dev { get; }

    public bool IpcDumpPrinted;
    /// <summary>d3_prevented: the usage reference that keeps the DSP out of D3 after an exception, given back at remove.</summary>
    [OwnsPmReference(nameof(Dev))]
    public bool D3Prevented;

    public void SndSofHandleFwException(string msg)
    {
        if (RetainContext)
        {
            // Should we prevent the DSP from entering D3?
            if (!IpcDumpPrinted)
            {
                // dev_info(sdev->dev, "Attempting to prevent DSP from entering D3 state to preserve context\n");
            }
            Dev.Power.GetNoResume(); // <-- VPM0001
        }

        // Dump vital information to the logs.
        IpcDump();
        DspDbgDump(msg);
    }

    // snd_sof_device_remove(): nothing to give back, as nothing recorded the references.
    public void DeviceRemove()
    {
        UnregisterMachine();
    }

    protected abstract bool RetainContext { get; }

    protected abstract void IpcDump();

    protected abstract void DspDbgDump(string msg);

    protected abstract void UnregisterMachine();
}
