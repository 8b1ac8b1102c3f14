// kind: correct
// needs: contracts
// ports: drivers/base/power/runtime.c __rpm_callback() — suppliers resumed before a consumer's resume callback, put back
//        when it fails (device-links read lock and irq_safe left out)
// why: supplier references live in the links' rpm_active counts across the callback (issue 12)
namespace KernelCorpus.Cases;

public abstract class RpmCallbackSuppliersPort
{
    public int RpmCallback(ConsumerPort dev, Func<Device, int> cb)
    {
        int retval;
        bool useLinks = dev.LinksCount > 0;

        // Resume suppliers if necessary.
        if (useLinks && dev.Dev.Power.Status == RpmStatus.Resuming)
        {
            retval = RpmGetSuppliers(dev);
            if (retval != 0)
            {
                RpmPutSuppliers(dev);
                goto fail;
            }
        }

        retval = cb(dev.Dev);

        // If the resume failed, or the device is suspending, release the suppliers.
        if (useLinks
            && ((dev.Dev.Power.Status == RpmStatus.Suspending && retval == 0)
                || (dev.Dev.Power.Status == RpmStatus.Resuming && retval != 0)))
        {
            RpmPutSuppliers(dev);
        }

        return retval;

    fail:
        return retval;
    }

    // rpm_get_suppliers() / rpm_put_suppliers() (Correct/RpmGetSuppliers, Correct/RpmPutSuppliers).
    protected abstract int RpmGetSuppliers(ConsumerPort dev);

    protected abstract void RpmPutSuppliers(ConsumerPort dev);
}
