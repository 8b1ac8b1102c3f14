// kind: bug
// needs: contracts
// ports: drivers/i2c/busses/i2c-imx.c i2c_imx_reg_slave() and i2c_imx_unreg_slave() — before the fix: i2c_imx->slave
//        is set before the resume, and a failed pm_runtime_resume_and_get() returns with it still set, so the
//        registered-slave state claims the controller reference the path never got (unreg_slave's put then underflows)
// fix: "i2c: imx: Fix slave registration error path and missing timer cleanup" (Liem, 2026; [PATCH v2], Cc stable)
// why: the controller reference is owned by i2c_imx->slave while a slave is registered (issue 12: ownership held by
//      object state)
namespace KernelCorpus.Cases;

public sealed class I2cClient
{
}

public abstract class I2cImxRegSlave
{
    public const int I2cSlaveStop = 4;

    protected I2cImxRegSlave(Device adapterParent) => AdapterParent = adapterParent;

    /// <summary>i2c_imx->adapter.dev.parent: the controller's platform device.</summary>
    public Device AdapterParent { get; }

    /// <summary>i2c_imx->slave: while a slave is registered, the controller is kept resumed with one reference.</summary>
    [OwnsPmReference(nameof(AdapterParent))]
    public I2cClient? Slave;

    public int LastSlaveEvent;

    public int RegSlave(I2cClient client)
    {
        int ret;

        if (Slave != null)
            return -Errno.EBUSY;

        Slave = client; // <-- VPM0002
        LastSlaveEvent = I2cSlaveStop;

        // Resume
        ret = AdapterParent.Power.ResumeAndGet();
        if (ret < 0)
        {
            // dev_err(&i2c_imx->adapter.dev, "failed to resume i2c controller");
            return ret;
        }

        I2cImxSlaveInit();

        return 0;
    }

    public int UnregSlave(I2cClient client)
    {
        int ret;

        if (Slave == null)
            return -Errno.EINVAL;

        // Reset slave address.
        ImxI2cWriteReg(0, "IADR");

        I2cImxResetRegs();

        Slave = null;

        // Suspend
        ret = AdapterParent.Power.PutSync();
        if (ret < 0)
        {
            // dev_err(&i2c_imx->adapter.dev, "failed to suspend i2c controller");
        }

        return ret;
    }

    /// <summary>i2c_imx_slave_init(): slave address, registers, module and interrupt enable (the controller is resumed).</summary>
    protected abstract void I2cImxSlaveInit();

    protected abstract void ImxI2cWriteReg(int value, string reg);

    protected abstract void I2cImxResetRegs();
}
