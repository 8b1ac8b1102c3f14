// kind: bug
// needs: engine
// ports: drivers/spi/spi-cadence-quadspi.c cqspi_exec_mem_op() — before the fix: the PM reference taken before the
//        unbind gate, so the gate's early return leaks it (inflight_ops as a plain counter)
// fix: spi-cadence-quadspi fix of cqspi_exec_mem_op() merged for v7.0-rc6, commit 59e1be1278f0 (subject not retrieved;
//      described by lexplain.net's analysis of that commit and of the spi-fix-v7.0-rc6 merge)
namespace KernelCorpus.Cases;

public abstract class CqspiExecMemOp
{
    protected CqspiExecMemOp(Device dev) => Dev = dev;

    public Device Dev { get; }

    public int InflightOps;
    public int Refcount = 1;

    public int ExecMemOp(object op)
    {
        int ret;

        System.Threading.Interlocked.Increment(ref InflightOps);

        ret = Dev.Power.ResumeAndGet();
        if (ret != 0)
        {
            // dev_err(&mem->spi->dev, "resume failed with %d\n", ret);
            return ret;
        }

        if (System.Threading.Volatile.Read(ref Refcount) == 0)
            return -Errno.EBUSY; // <-- VPM0001

        ret = CqspiMemProcess(op);

        Dev.Power.PutAutosuspend();

        System.Threading.Interlocked.Decrement(ref InflightOps);
        return ret;
    }

    [RequiresPmReference("Dev.Power")]
    protected abstract int CqspiMemProcess(object op);
}
