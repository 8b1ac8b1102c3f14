// kind: fixed
// needs: engine
// ports: drivers/bluetooth/btmtksdio.c btmtksdio_reset() — the PM bracket of the SDIO reset, after the fix
// fix: "Bluetooth: btmtksdio: Fix runtime PM leak in btmtksdio_reset()" (Wentao Liang, 2026; bluez/bluetooth-next PW_SID 1165045; Fixes 8fafe702253d)
namespace KernelCorpus.Cases;

public abstract class BtmtksdioReset
{
    public const int HwResetActive = 3;

    protected BtmtksdioReset(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int TxState;

    public void BtmtksdioResetWork()
    {
        int err;

        Dev.Power.GetSync();

        // It's MediaTek specific bluetooth reset mechanism via SDIO.
        if (Sys.TestAndSetBit(ref TxState, HwResetActive))
        {
            Dev.Power.PutNoIdle();
            return;
        }

        SdioClaimHost();
        err = WmtFunctionDown();
        if (err < 0)
            goto err_label;

        err = ResetGpioToggle();
        if (err < 0)
            goto err_label;

    err_label:
        SdioReleaseHost();
        TxState &= ~(1 << HwResetActive);
        Dev.Power.PutNoIdle();
    }

    protected abstract void SdioClaimHost();

    protected abstract int WmtFunctionDown();

    protected abstract int ResetGpioToggle();

    protected abstract void SdioReleaseHost();
}
