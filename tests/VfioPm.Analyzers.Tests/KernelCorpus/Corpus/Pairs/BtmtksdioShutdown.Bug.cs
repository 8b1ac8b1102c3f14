// kind: bug
// needs: engine
// ports: drivers/bluetooth/btmtksdio.c btmtksdio_shutdown() — before the fix
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
        if (err < 0)
            return err; // <-- VPM0001

        Dev.Power.PutNoIdle();
        Dev.Power.Disable();

        return 0;
    }

    protected abstract int WmtFuncCtrl(bool enable);
}
