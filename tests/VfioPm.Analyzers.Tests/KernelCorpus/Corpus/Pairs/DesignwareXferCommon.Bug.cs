// kind: bug
// needs: engine
// ports: drivers/i2c/busses/i2c-designware-master.c i2c_dw_xfer_common() — before the fix: pm_runtime_get_sync()'s result
//        ignored, so a failed resume goes on to program a powered-down controller
// fix: "i2c: designware: Use runtime PM macro for auto-cleanup" (2026; per lexplain.net's commit analysis)
namespace KernelCorpus.Cases;

public abstract class DesignwareXferCommon
{
    public const int IcEnable = 0x6c;

    protected DesignwareXferCommon(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int XferCommon(object[] msgs, int num)
    {
        int ret;

        Dev.Power.GetSync();

        // Initiate the transfer: the controller must be powered.
        Sys.WriteReg(Dev, IcEnable, 0); // <-- VPM0006
        ret = I2cDwWaitBusNotBusy();
        if (ret < 0)
            goto done;

        ret = I2cDwXferInit(msgs, num);
        if (ret == 0)
            ret = num;

    done:
        Dev.Power.MarkLastBusy();
        Dev.Power.PutAutosuspend();
        return ret;
    }

    protected abstract int I2cDwWaitBusNotBusy();

    protected abstract int I2cDwXferInit(object[] msgs, int num);
}
