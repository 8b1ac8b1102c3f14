// kind: fixed
// needs: engine
// ports: drivers/i2c/busses/i2c-designware-master.c i2c_dw_xfer_common() — after the fix: PM_RUNTIME_ACQUIRE_AUTOSUSPEND,
//        a scope that checks the resume (-ENXIO) and puts on every exit (here ResumeAndGetScope)
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

        using var pm = Dev.Power.ResumeAndGetScope();
        if (pm.Error < 0)
            return -Errno.ENXIO;

        // Initiate the transfer: the controller must be powered.
        Sys.WriteReg(Dev, IcEnable, 0);
        ret = I2cDwWaitBusNotBusy();
        if (ret < 0)
            return ret;

        ret = I2cDwXferInit(msgs, num);
        return ret == 0 ? num : ret;
    }

    protected abstract int I2cDwWaitBusNotBusy();

    protected abstract int I2cDwXferInit(object[] msgs, int num);
}
