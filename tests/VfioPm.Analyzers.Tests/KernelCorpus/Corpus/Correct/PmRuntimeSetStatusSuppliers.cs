// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c __pm_runtime_set_status() — the supplier handling: activate suppliers up front for
//        RPM_ACTIVE (fall back to SUSPENDED when that fails), release them for RPM_SUSPENDED
// why: supplier references are owned by the links' rpm_active counts (issue 12)
namespace KernelCorpus.Cases;

public abstract class PmRuntimeSetStatusSuppliersPort
{
    public int SetStatus(ConsumerPort dev, RpmStatus status)
    {
        bool notifyParent = false;
        int error = 0;

        if (status != RpmStatus.Active && status != RpmStatus.Suspended)
            return -Errno.EINVAL;

        // The suppliers can be activated whatever the current status: the next rpm_put_suppliers() drops the
        // rpm_active counts back to one anyway.
        if (status == RpmStatus.Active)
        {
            error = RpmGetSuppliers(dev);
            if (error != 0)
                status = RpmStatus.Suspended;
        }

        if (dev.Dev.Power.IsEnabled)
        {
            error = -Errno.EAGAIN;
            goto out_label;
        }

        if (dev.Dev.Power.Status == status || dev.Dev.Parent == null)
            goto out_set;

        notifyParent = status == RpmStatus.Suspended;

    out_set:
        UpdateStatus(dev, status, notifyParent);

    out_label:
        if (status == RpmStatus.Suspended)
            RpmPutSuppliers(dev);

        return error;
    }

    protected abstract int RpmGetSuppliers(ConsumerPort dev);

    protected abstract void RpmPutSuppliers(ConsumerPort dev);

    protected abstract void UpdateStatus(ConsumerPort dev, RpmStatus status, bool notifyParent);
}
