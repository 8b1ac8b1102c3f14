// kind: fixed
// needs: engine
// ports: drivers/spi/spi-rspi.c rspi_setup() and rspi_prepare_message() — after the fix: .setup() only records the
//        settings; the registers are written in .prepare_message(), which the SPI core calls with the device resumed
// fix: "spi: rspi: Fix register initialization while runtime-suspended" (Geert Uytterhoeven; Fixes 490c97747d5d)
namespace KernelCorpus.Cases;

public sealed class RspiSetup
{
    public const int Spcr = 0x00;
    public const int Sslp = 0x01;
    public const int Sppcr = 0x02;

    public RspiSetup(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int SpeedHz;
    public int SslPolarity;

    public int Setup(int maxSpeedHz, bool csHigh)
    {
        SpeedHz = maxSpeedHz;
        SslPolarity = csHigh ? 1 : 0;
        return 0;
    }

    // spi_controller->prepare_message: the SPI core's auto_runtime_pm resumes the controller before calling it.
    [RequiresPmReference("Dev.Power")]
    public int PrepareMessage()
    {
        Sys.WriteReg(Dev, Sslp, SslPolarity);
        Sys.WriteReg(Dev, Sppcr, 0);
        Sys.WriteReg(Dev, Spcr, 0x40);
        return 0;
    }
}
