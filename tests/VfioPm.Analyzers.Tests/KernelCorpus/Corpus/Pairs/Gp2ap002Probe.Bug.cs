// kind: bug
// needs: engine
// ports: drivers/iio/light/gp2ap002.c gp2ap002_probe() — before the fix: the reference pm_runtime_get_noresume() takes
//        is dropped by pm_runtime_put() once the IRQ is requested; a failed IRQ request unwinds through
//        out_disable_pm without it
// fix: "iio: light: gp2ap002: Fix rumtime PM imbalance on error" (Dinghao Liu, 2021)
namespace KernelCorpus.Cases;

public abstract class Gp2ap002Probe
{
    protected Gp2ap002Probe(Device dev) => Dev = dev;

    public Device Dev { get; }

    public bool Enabled;

    public int Probe()
    {
        int ret;

        // devm allocations, compatible/hysteresis properties, the ALSOUT channel and the regulators' voltages: no PM.
        ret = RegulatorEnable("vdd");
        if (ret != 0)
            return ret;

        ret = RegulatorEnable("vio");
        if (ret != 0)
            goto out_disable_vdd;

        // msleep(20);

        // Initialize the device and signal to runtime PM that now we are definitely up and using power.
        ret = Gp2ap002Init();
        if (ret != 0)
            goto out_disable_vio;

        Dev.Power.GetNoResume();
        Dev.Power.SetActive();
        Dev.Power.Enable();
        Enabled = false;

        ret = RequestThreadedIrq();
        if (ret != 0)
        {
            // dev_err(dev, "unable to request IRQ\n");
            goto out_disable_pm; // <-- VPM0001
        }

        // As the device takes 20 ms + regulator delay to come up with a fresh measurement after power-on, do not
        // shut it down unnecessarily. Set autosuspend to a one second.
        Dev.Power.SetAutosuspendDelay(1000);
        Dev.Power.UseAutosuspend();
        Dev.Power.Put();

        // indio_dev->info, name, channels, modes: no PM.
        ret = IioDeviceRegister();
        if (ret != 0)
            goto out_disable_pm;

        return 0;

    out_disable_pm:
        Dev.Power.Disable();
    out_disable_vio:
        RegulatorDisable("vio");
    out_disable_vdd:
        RegulatorDisable("vdd");
        return ret;
    }

    protected abstract int RegulatorEnable(string supply);

    protected abstract void RegulatorDisable(string supply);

    /// <summary>gp2ap002_init(): register writes over I2C (the device is powered by its regulators here).</summary>
    protected abstract int Gp2ap002Init();

    /// <summary>devm_request_threaded_irq().</summary>
    protected abstract int RequestThreadedIrq();

    /// <summary>iio_device_register().</summary>
    protected abstract int IioDeviceRegister();
}
