namespace VfioPm.Runtime.Vfio;

/// <summary>
/// The real numbers of the VFIO user-space API (<c>include/uapi/linux/vfio.h</c>, spec §1): ioctl numbers,
/// <c>VFIO_DEVICE_FEATURE</c> flags and feature indices, and the vfio-pci region-offset encoding.
/// </summary>
/// <remarks>
/// The values are the kernel's, so a buffer built against this class means the same thing to the model as it would
/// to a real <c>/dev/vfio</c> device file.
/// </remarks>
// models include/uapi/linux/vfio.h
public static class VfioUapi
{
    /// <summary>The ioctl "type" byte of every VFIO ioctl: <c>';'</c> = 0x3B.</summary>
    public const int VFIO_TYPE = 0x3B;

    /// <summary>The first ioctl number (<c>nr</c>) VFIO uses; ioctl <c>n</c> of the table is <c>VFIO_BASE + n</c>.</summary>
    public const int VFIO_BASE = 100;

    // Kernel _IOC field widths: nr 8 bits, type 8 bits. Size and direction are 0 for _IO().
    private const int IocNrBits = 8;
    private const int IocTypeBits = 8;

    /// <summary>
    /// Computes <c>_IO(VFIO_TYPE, nr)</c>: direction none, size 0, so the value is <c>(VFIO_TYPE &lt;&lt; 8) | nr</c>.
    /// </summary>
    /// <param name="nr">The full ioctl number (for example <c>VFIO_BASE + 17</c>); only its low 8 bits are encodable.</param>
    /// <returns>The ioctl command number.</returns>
    // models _IO() for VFIO_TYPE. VFIO deliberately encodes no size: the length travels in each struct's argsz.
    public static uint Io(int nr) =>
        ((uint)VFIO_TYPE << IocNrBits) | ((uint)nr & ((1u << IocNrBits) - 1));

    /// <summary>The <c>nr</c> field of an ioctl command (its low 8 bits).</summary>
    /// <param name="cmd">An ioctl command number.</param>
    /// <returns>The ioctl number within its type.</returns>
    // models _IOC_NR()
    public static int IocNr(uint cmd) => (int)(cmd & ((1u << IocNrBits) - 1));

    /// <summary>The <c>type</c> field of an ioctl command (bits 8..15); <see cref="VFIO_TYPE"/> for VFIO.</summary>
    /// <param name="cmd">An ioctl command number.</param>
    /// <returns>The ioctl type byte.</returns>
    // models _IOC_TYPE()
    public static int IocType(uint cmd) => (int)((cmd >> IocNrBits) & ((1u << IocTypeBits) - 1));

    // ---- ioctl numbers (spec §1.1). Written as constant expressions so they can appear in attributes and case labels.

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 0)</c> = 0x3B64: the API version of the container.</summary>
    public const uint VFIO_GET_API_VERSION = (VFIO_TYPE << 8) | (VFIO_BASE + 0);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 1)</c> = 0x3B65: whether an extension (IOMMU type) is supported.</summary>
    public const uint VFIO_CHECK_EXTENSION = (VFIO_TYPE << 8) | (VFIO_BASE + 1);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 2)</c> = 0x3B66: sets the container's IOMMU model.</summary>
    public const uint VFIO_SET_IOMMU = (VFIO_TYPE << 8) | (VFIO_BASE + 2);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 3)</c> = 0x3B67: group viability and container state.</summary>
    public const uint VFIO_GROUP_GET_STATUS = (VFIO_TYPE << 8) | (VFIO_BASE + 3);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 4)</c> = 0x3B68: attaches a group to a container.</summary>
    public const uint VFIO_GROUP_SET_CONTAINER = (VFIO_TYPE << 8) | (VFIO_BASE + 4);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 5)</c> = 0x3B69: detaches a group from its container.</summary>
    public const uint VFIO_GROUP_UNSET_CONTAINER = (VFIO_TYPE << 8) | (VFIO_BASE + 5);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 6)</c> = 0x3B6A: opens a device of the group and returns its fd.</summary>
    public const uint VFIO_GROUP_GET_DEVICE_FD = (VFIO_TYPE << 8) | (VFIO_BASE + 6);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 7)</c> = 0x3B6B: device flags and region/IRQ counts.</summary>
    public const uint VFIO_DEVICE_GET_INFO = (VFIO_TYPE << 8) | (VFIO_BASE + 7);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 8)</c> = 0x3B6C: size, offset and flags of one region.</summary>
    public const uint VFIO_DEVICE_GET_REGION_INFO = (VFIO_TYPE << 8) | (VFIO_BASE + 8);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 9)</c> = 0x3B6D: the count and flags of one IRQ index.</summary>
    public const uint VFIO_DEVICE_GET_IRQ_INFO = (VFIO_TYPE << 8) | (VFIO_BASE + 9);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 10)</c> = 0x3B6E: sets up, masks, unmasks or triggers IRQs.</summary>
    public const uint VFIO_DEVICE_SET_IRQS = (VFIO_TYPE << 8) | (VFIO_BASE + 10);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 11)</c> = 0x3B6F: resets the device.</summary>
    public const uint VFIO_DEVICE_RESET = (VFIO_TYPE << 8) | (VFIO_BASE + 11);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 12)</c> = 0x3B70: the devices a hot reset would affect.</summary>
    public const uint VFIO_DEVICE_GET_PCI_HOT_RESET_INFO = (VFIO_TYPE << 8) | (VFIO_BASE + 12);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 13)</c> = 0x3B71: performs a bus/slot hot reset.</summary>
    public const uint VFIO_DEVICE_PCI_HOT_RESET = (VFIO_TYPE << 8) | (VFIO_BASE + 13);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 14)</c> = 0x3B72: mediated-device graphics plane query.</summary>
    public const uint VFIO_DEVICE_QUERY_GFX_PLANE = (VFIO_TYPE << 8) | (VFIO_BASE + 14);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 15)</c> = 0x3B73: mediated-device graphics dma-buf.</summary>
    public const uint VFIO_DEVICE_GET_GFX_DMABUF = (VFIO_TYPE << 8) | (VFIO_BASE + 15);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 16)</c> = 0x3B74: ties an eventfd to a device register write.</summary>
    public const uint VFIO_DEVICE_IOEVENTFD = (VFIO_TYPE << 8) | (VFIO_BASE + 16);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 17)</c> = 0x3B75 (15221): get/set/probe a device feature (low power among them).</summary>
    public const uint VFIO_DEVICE_FEATURE = (VFIO_TYPE << 8) | (VFIO_BASE + 17);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 18)</c> = 0x3B76: binds a cdev device fd to an iommufd (6.6+).</summary>
    public const uint VFIO_DEVICE_BIND_IOMMUFD = (VFIO_TYPE << 8) | (VFIO_BASE + 18);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 19)</c> = 0x3B77: attaches the device to an IOAS/HWPT (6.6+).</summary>
    public const uint VFIO_DEVICE_ATTACH_IOMMUFD_PT = (VFIO_TYPE << 8) | (VFIO_BASE + 19);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 20)</c> = 0x3B78: detaches the device from its IOAS/HWPT (6.6+).</summary>
    public const uint VFIO_DEVICE_DETACH_IOMMUFD_PT = (VFIO_TYPE << 8) | (VFIO_BASE + 20);

    /// <summary><c>_IO(VFIO_TYPE, VFIO_BASE + 21)</c> = 0x3B79: pre-copy sizes, issued on a migration data fd.</summary>
    public const uint VFIO_MIG_GET_PRECOPY_INFO = (VFIO_TYPE << 8) | (VFIO_BASE + 21);

    // ---- struct vfio_device_feature flags (spec §1.2)

    /// <summary>The low 16 bits of <c>vfio_device_feature.flags</c>: the feature index.</summary>
    public const uint VFIO_DEVICE_FEATURE_MASK = 0x0000FFFF;

    /// <summary>Read the feature into the payload (1 &lt;&lt; 16).</summary>
    public const uint VFIO_DEVICE_FEATURE_GET = 1u << 16;

    /// <summary>Write the feature from the payload (1 &lt;&lt; 17).</summary>
    public const uint VFIO_DEVICE_FEATURE_SET = 1u << 17;

    /// <summary>Only ask whether the feature (and the GET/SET directions also given) is supported (1 &lt;&lt; 18).</summary>
    public const uint VFIO_DEVICE_FEATURE_PROBE = 1u << 18;

    /// <summary>
    /// Size of the <c>vfio_device_feature</c> header (<c>argsz</c> + <c>flags</c>): the core's minimum argsz; a
    /// feature handler sees <c>argsz - 8</c> payload bytes.
    /// </summary>
    public const int VFIO_DEVICE_FEATURE_HEADER_SIZE = 8;

    // ---- feature indices (spec §1.3). ushort: the index is the 16-bit field under VFIO_DEVICE_FEATURE_MASK.

    /// <summary>Feature 0: SR-IOV VF token (16-byte UUID, SET only; PF only).</summary>
    public const ushort VFIO_DEVICE_FEATURE_PCI_VF_TOKEN = 0;

    /// <summary>Feature 1: migration capabilities (<c>u64 flags</c>, GET only).</summary>
    public const ushort VFIO_DEVICE_FEATURE_MIGRATION = 1;

    /// <summary>Feature 2: migration device state (<c>{u32 device_state; s32 data_fd}</c>).</summary>
    public const ushort VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE = 2;

    /// <summary>Feature 3: allow runtime low power (no payload, SET only); mmap access is disabled until exit.</summary>
    public const ushort VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY = 3;

    /// <summary>
    /// Feature 4: as feature 3, plus a one-shot wake-up eventfd (<see cref="VfioDeviceLowPowerEntryWithWakeup"/>,
    /// 8 bytes, SET only).
    /// </summary>
    public const ushort VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP = 4;

    /// <summary>Feature 5: disallow low power again (no payload, SET only; 0 even when not engaged).</summary>
    public const ushort VFIO_DEVICE_FEATURE_LOW_POWER_EXIT = 5;

    /// <summary>Feature 6: start device DMA dirty logging (6.2+).</summary>
    public const ushort VFIO_DEVICE_FEATURE_DMA_LOGGING_START = 6;

    /// <summary>Feature 7: stop device DMA dirty logging (6.2+).</summary>
    public const ushort VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP = 7;

    /// <summary>Feature 8: report device DMA dirty pages (6.2+).</summary>
    public const ushort VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT = 8;

    /// <summary>Feature 9: estimated migration data size.</summary>
    public const ushort VFIO_DEVICE_FEATURE_MIG_DATA_SIZE = 9;

    // ---- vfio-pci regions (VFIO_PCI_*_REGION_INDEX) and the file-offset encoding of vfio_pci_rw().

    /// <summary>BAR 0.</summary>
    public const int VFIO_PCI_BAR0_REGION_INDEX = 0;

    /// <summary>BAR 1.</summary>
    public const int VFIO_PCI_BAR1_REGION_INDEX = 1;

    /// <summary>BAR 2.</summary>
    public const int VFIO_PCI_BAR2_REGION_INDEX = 2;

    /// <summary>BAR 3.</summary>
    public const int VFIO_PCI_BAR3_REGION_INDEX = 3;

    /// <summary>BAR 4.</summary>
    public const int VFIO_PCI_BAR4_REGION_INDEX = 4;

    /// <summary>BAR 5.</summary>
    public const int VFIO_PCI_BAR5_REGION_INDEX = 5;

    /// <summary>Expansion ROM.</summary>
    public const int VFIO_PCI_ROM_REGION_INDEX = 6;

    /// <summary>PCI configuration space.</summary>
    public const int VFIO_PCI_CONFIG_REGION_INDEX = 7;

    /// <summary>Legacy VGA ranges (only on VGA devices).</summary>
    public const int VFIO_PCI_VGA_REGION_INDEX = 8;

    /// <summary>Number of fixed vfio-pci regions; device-specific regions start here.</summary>
    public const int VFIO_PCI_NUM_REGIONS = 9;

    /// <summary>The region index sits in the file offset's bits 40 and up.</summary>
    public const int VFIO_PCI_OFFSET_SHIFT = 40;

    /// <summary>The offset within a region: the file offset's low 40 bits.</summary>
    public const long VFIO_PCI_OFFSET_MASK = (1L << VFIO_PCI_OFFSET_SHIFT) - 1;

    /// <summary>The file offset at which region <paramref name="index"/> starts (<c>index &lt;&lt; 40</c>).</summary>
    /// <param name="index">A region index; indexes 0..0x7FFFFF round-trip through <see cref="RegionIndex"/>.</param>
    /// <returns>The file offset of the region's first byte.</returns>
    // models VFIO_PCI_INDEX_TO_OFFSET(): the kernel shifts an unsigned 64-bit value, so this does too.
    public static long RegionOffset(int index) =>
        unchecked((long)((ulong)(uint)index << VFIO_PCI_OFFSET_SHIFT));

    /// <summary>The region index a file offset addresses (<c>offset &gt;&gt; 40</c>).</summary>
    /// <param name="offset">A file offset as passed to read/write/pread/pwrite.</param>
    /// <returns>
    /// The region index. A negative offset yields an index at or above <see cref="VFIO_PCI_NUM_REGIONS"/> (never a
    /// negative one), so a caller's "index &gt;= number of regions" check rejects it.
    /// </returns>
    // models VFIO_PCI_OFFSET_TO_INDEX(); an unsigned shift, as the kernel assigns it to an unsigned index.
    public static int RegionIndex(long offset) => (int)(unchecked((ulong)offset) >> VFIO_PCI_OFFSET_SHIFT);

    /// <summary>The offset within its region of a file offset (<c>offset &amp; VFIO_PCI_OFFSET_MASK</c>).</summary>
    /// <param name="offset">A file offset.</param>
    /// <returns>The byte position inside the region.</returns>
    public static long OffsetInRegion(long offset) => offset & VFIO_PCI_OFFSET_MASK;
}
