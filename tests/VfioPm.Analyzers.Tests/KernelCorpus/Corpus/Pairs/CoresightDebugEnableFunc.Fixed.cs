// kind: fixed
// needs: contracts
// ports: drivers/hwtracing/coresight/coresight-cpu-debug.c debug_enable_func() — after the fix: pm_runtime_resume_and_get() drops the
//        failing CPU's reference itself; the mask rolls back the CPUs that resumed
// fix: "coresight: handle runtime PM resume failures" (Jie Gan, 2026; qualcomm-linux/kernel-topics#1827, FROMLIST;
//      before-version read from torvalds/linux)
// why: on success it holds one reference on the debug device of every CPU that has one, for debug_enable (issue 12:
//      per-element contract); the rollback tracks the CPUs in a cpumask, not in loop order
namespace KernelCorpus.Cases;

public sealed class CoresightDebugDrvdata
{
    public CoresightDebugDrvdata(Device dev) => Dev = dev;

    public Device Dev { get; }
}

public sealed class CoresightDebugEnableFunc
{
    public CoresightDebugEnableFunc(CoresightDebugDrvdata?[] debugDrvdata) => DebugDrvdata = debugDrvdata;

    /// <summary>per_cpu(debug_drvdata, cpu): null for a CPU without a debug device.</summary>
    public CoresightDebugDrvdata?[] DebugDrvdata { get; }

    // One reference on every CPU's debug device on success, none on failure.
    [AcquiresPmReference("DebugDrvdata[].Dev", OnSuccess = true)]
    public int DebugEnableFunc()
    {
        CoresightDebugDrvdata? drvdata;
        int cpu, ret = 0;

        // Use cpumask to track which debug power domains have been powered on and use it to handle failure case.
        var mask = new bool[DebugDrvdata.Length];

        for (cpu = 0; cpu < DebugDrvdata.Length; cpu++)
        {
            drvdata = DebugDrvdata[cpu];
            if (drvdata == null)
                continue;

            ret = drvdata.Dev.Power.ResumeAndGet();
            if (ret < 0)
                goto err;
            else
                mask[cpu] = true;
        }

        return 0;

    err:
        // If pm_runtime_resume_and_get() has failed, need rollback on all the other CPUs that have been enabled before that.
        for (cpu = 0; cpu < mask.Length; cpu++)
        {
            if (!mask[cpu])
                continue;
            drvdata = DebugDrvdata[cpu]!;
            drvdata.Dev.Power.PutNoIdle();
        }

        return ret;
    }
}
