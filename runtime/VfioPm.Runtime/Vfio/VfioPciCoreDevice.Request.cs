using System;
using System.Buffers.Binary;
using System.Threading;

namespace VfioPm.Runtime.Vfio;

// The user-facing ERR and REQ eventfds (SET_IRQS indexes 3 and 4) and the device request an unbind sends through
// the REQ one.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>Device requests relayed to the user's REQ eventfd so far.</summary>
    public int RequestsRelayed => Volatile.Read(ref _requestsRelayed);

    // models vfio_pci_core_request(): relay the host's request for the device to the user. Without a REQ eventfd the
    // first round warns once. Called by the unregistration's wait with no vfio lock held; the eventfd is signalled
    // outside _triggerLock (its handlers may close the file, which takes the device-set lock).
    internal void Request(uint count)
    {
        EventFd? trigger;
        lock (_triggerLock)
        {
            trigger = _reqTrigger;
        }

        if (trigger is not null)
        {
            Interlocked.Increment(ref _requestsRelayed);
            if (count % 10 == 0)
            {
                Pdev.Log($"Relaying device request to user (#{count})");
            }

            trigger.Signal(1);
        }
        else if (count == 0)
        {
            Pdev.Log("No device request channel registered, blocked until released by user");
        }
    }

    // models vfio_pci_set_err_trigger() / vfio_pci_set_req_trigger() -> vfio_pci_set_ctx_trigger_single():
    // DATA_NONE with count 1 (or DATA_BOOL true) signals the eventfd — loopback testing; DATA_NONE with count 0
    // releases it; DATA_EVENTFD -1 releases it, a valid fd replaces it.
    private int SetUserTrigger(uint index, VfioIrqSet req, ReadOnlySpan<byte> data, uint dataType, FileDescriptorTable fds)
    {
        if (req.Start != 0 || req.Count > 1)
        {
            return -Errno.EINVAL;
        }

        EventFd? toSignal = null;
        int ret;
        lock (_triggerLock)
        {
            var current = index == VfioIrqSet.IndexReq ? _reqTrigger : _errTrigger;
            var replacement = current;
            ret = 0;
            if (dataType == VfioIrqSet.DataNone)
            {
                if (current is null)
                {
                    return -Errno.EINVAL;
                }

                if (req.Count != 0)
                {
                    toSignal = current;
                }
                else
                {
                    replacement = null;
                }
            }
            else if (dataType == VfioIrqSet.DataBool)
            {
                if (req.Count == 0)
                {
                    return -Errno.EINVAL;
                }

                if (data.Length < 1)
                {
                    return -Errno.EFAULT;
                }

                toSignal = data[0] != 0 ? current : null;
            }
            else
            {
                if (req.Count == 0)
                {
                    return -Errno.EINVAL;
                }

                if (data.Length < 4)
                {
                    return -Errno.EFAULT;
                }

                var fd = BinaryPrimitives.ReadInt32LittleEndian(data);
                if (fd == -1)
                {
                    replacement = null;
                }
                else if (fd >= 0)
                {
                    ret = fds.ResolveEventFd(fd, out var ctx);
                    if (ret != 0)
                    {
                        return ret;
                    }

                    replacement = ctx;
                }
            }

            if (index == VfioIrqSet.IndexReq)
            {
                _reqTrigger = replacement;
            }
            else
            {
                _errTrigger = replacement;
            }
        }

        toSignal?.Signal(1);
        return ret;
    }

    // models the end of vfio_pci_core_close_device(): the ERR and REQ eventfds are released at the last close.
    private void ReleaseUserTriggers()
    {
        lock (_triggerLock)
        {
            _errTrigger = null;
            _reqTrigger = null;
        }
    }
}
