// kind: bug
// needs: engine
// ports: drivers/spi/spi-rspi.c rspi_setup() — before the fix: controller registers written from .setup(), which the SPI
//        core calls without resuming the device
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

        Sys.WriteReg(Dev, Sslp, SslPolarity); // <-- VPM0006
        Sys.WriteReg(Dev, Sppcr, 0); // <-- VPM0006
        Sys.WriteReg(Dev, Spcr, 0x40); // <-- VPM0006

        return 0;
    }
}
