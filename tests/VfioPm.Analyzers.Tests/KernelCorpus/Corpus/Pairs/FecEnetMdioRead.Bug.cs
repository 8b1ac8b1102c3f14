// kind: bug
// needs: engine
// ports: drivers/net/ethernet/freescale/fec_main.c fec_enet_mdio_read() — before the fix
// fix: "net: fec: Fix reference count leak in fec series ops" (Zhang Qilong, 2020; subject as recalled, not retrieved
//      through the search tools — the fec fix is the first user of pm_runtime_resume_and_get(), dd8088d5a896, spec §7.2)
namespace KernelCorpus.Cases;

public abstract class FecEnetMdioRead
{
    public const int FecMiiData = 0x040;

    protected FecEnetMdioRead(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int MdioRead(int miiId, int regnum)
    {
        int ret;

        ret = Dev.Power.GetSync(); // <-- VPM0003
        if (ret < 0)
            return ret;

        // Start a read op.
        Sys.WriteReg(Dev, FecMiiData, (miiId << 23) | (regnum << 18));

        // Wait for end of transfer.
        ret = FecEnetMdioWait();
        if (ret != 0)
        {
            // netdev_err(fep->netdev, "MDIO read timeout\n");
            goto out_label;
        }

        ret = Sys.ReadReg(Dev, FecMiiData) & 0xffff;

    out_label:
        Dev.Power.MarkLastBusy();
        Dev.Power.PutAutosuspend();

        return ret;
    }

    [RequiresPmReference("Dev.Power")]
    protected abstract int FecEnetMdioWait();
}
