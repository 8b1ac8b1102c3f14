// kind: fixed
// needs: engine
// ports: drivers/bluetooth/btmtksdio.c btmtksdio_shutdown() — after the fix: the PM clean-up runs even if the WMT command fails
// fix: "Bluetooth: btmtksdio: Fix PM runtime reference leak in shutdown" (Tzung-Bi Shih, 2026; bluez/bluetooth-next PW_SID 1164398; Fixes 7f3c563c575e)
namespace KernelCorpus.Cases;

public abstract class BtmtksdioShutdown
{
    protected BtmtksdioShutdown(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int Shutdown()
    {
        int err;

        // Get back the state to be consistent with the state in btmtksdio_setup().
        Dev.Power.GetSync();

        // Disable the function: a WMT command to the firmware.
        err = WmtFuncCtrl(enable: false);
        // dev_err(bdev->dev, "Failed to disable function") when err < 0, then fall through.

        Dev.Power.PutNoIdle();
        Dev.Power.Disable();

        return err < 0 ? err : 0;
    }

    protected abstract int WmtFuncCtrl(bool enable);
}
