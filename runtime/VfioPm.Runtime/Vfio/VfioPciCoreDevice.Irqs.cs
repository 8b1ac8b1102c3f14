using System;
using System.Buffers.Binary;
using VfioPm.Annotations;

namespace VfioPm.Runtime.Vfio;

// VFIO_DEVICE_SET_IRQS (vfio_pci_set_irqs_ioctl): argument checks here, the INTx work in VfioIntx.
public sealed partial class VfioPciCoreDevice
{
    /// <summary>The configured interrupt mode (<c>irq_type</c>).</summary>
    public VfioIrqType IrqType => _intx.IrqType;

    /// <summary>The INTx context's <c>masked</c> flag.</summary>
    public bool IntxMasked => _intx.Masked;

    // models vfio_pci_intx_mask(). Touches config space: the function must be in D0.
    [RequiresPmReference]
    internal bool IntxMask() => _intx.Mask();

    // models vfio_pci_intx_unmask(). Touches config space: the function must be in D0.
    [RequiresPmReference]
    internal bool IntxUnmask() => _intx.Unmask();

    // models vfio_pci_set_irqs_ioctl(): INTx, the MSI/MSI-X mode switch, and the ERR/REQ eventfds.
    // Runs inside the ioctl wrapper (device active).
    [RequiresPmReference]
    private int SetIrqs(ReadOnlySpan<byte> arg, FileDescriptorTable fds)
    {
        if (!VfioIrqSet.TryRead(arg, out var req))
        {
            return -Errno.EFAULT;
        }

        if (req.Argsz < VfioIrqSet.Size)
        {
            return -Errno.EINVAL;
        }

        var data = arg[VfioIrqSet.Size..];
        var action = req.Flags & (VfioIrqSet.ActionMask | VfioIrqSet.ActionUnmask | VfioIrqSet.ActionTrigger);
        var dataType = req.Flags & (VfioIrqSet.DataNone | VfioIrqSet.DataBool | VfioIrqSet.DataEventfd);
        if (action == 0 || (action & (action - 1)) != 0 || dataType == 0 || (dataType & (dataType - 1)) != 0)
        {
            return -Errno.EINVAL;
        }

        switch (req.Index)
        {
            case VfioIrqSet.IndexIntx:
                if (!Pdev.Spec.HasIntx || req.Start != 0 || req.Count > 1)
                {
                    return -Errno.EINVAL;
                }

                if (action == VfioIrqSet.ActionMask)
                {
                    _intx.Mask();
                    return 0;
                }

                if (action == VfioIrqSet.ActionUnmask)
                {
                    _intx.Unmask();
                    return 0;
                }

                return IntxTrigger(req, data, dataType, fds);

            case VfioIrqSet.IndexMsi:
            case VfioIrqSet.IndexMsix:
                if (action != VfioIrqSet.ActionTrigger)
                {
                    return -Errno.EINVAL;
                }

                _intx.SelectMode(req.Count == 0 ? VfioIrqType.None : (req.Index == VfioIrqSet.IndexMsi ? VfioIrqType.Msi : VfioIrqType.Msix));
                return 0;

            case VfioIrqSet.IndexErr:
            case VfioIrqSet.IndexReq:
                if (action != VfioIrqSet.ActionTrigger)
                {
                    return -Errno.ENOTTY;
                }

                return SetUserTrigger(req.Index, req, data, dataType, fds);

            default:
                return -Errno.EINVAL;
        }
    }

    // models vfio_pci_set_intx_trigger()
    [RequiresPmReference]
    private int IntxTrigger(VfioIrqSet req, ReadOnlySpan<byte> data, uint dataType, FileDescriptorTable fds)
    {
        if (dataType == VfioIrqSet.DataNone && req.Count == 0)
        {
            _intx.Disable();
            return 0;
        }

        if (req.Count != 1)
        {
            return -Errno.EINVAL;
        }

        // DATA_NONE / DATA_BOOL: loopback — fire the trigger as the device would (vfio_send_intx_eventfd).
        if (dataType == VfioIrqSet.DataNone)
        {
            return _intx.Loopback();
        }

        if (dataType == VfioIrqSet.DataBool)
        {
            if (data.Length < 1)
            {
                return -Errno.EFAULT;
            }

            return data[0] != 0 ? _intx.Loopback() : (IrqType == VfioIrqType.Intx ? 0 : -Errno.EINVAL);
        }

        if (data.Length < 4)
        {
            return -Errno.EFAULT;
        }

        var fd = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (fd < 0)
        {
            _intx.Disable();
            return 0;
        }

        var ret = fds.ResolveEventFd(fd, out var trigger);
        if (ret != 0)
        {
            return ret;
        }

        _intx.Enable(trigger!);
        return 0;
    }
}
