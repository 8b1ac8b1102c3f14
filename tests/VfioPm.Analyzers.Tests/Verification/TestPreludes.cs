namespace VfioPm.Analyzers.Tests.Verification;

/// <summary>
/// The class headers the per-analyzer tests share: each test appends members and the closing brace. One text per shape
/// of code, so a change to the annotations the rules read is made once for every analyzer that reads them.
/// </summary>
internal static class TestPreludes
{
    /// <summary>A driver class with memory_lock and one device: balance, contract and lock-order rules.</summary>
    public const string Driver = """
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;
        class Drv
        {
            public MemoryLock MemoryLock { get; } = new();
            public Device Dev = null!;
            static void Work() { }

        """;

    /// <summary>A class with guarded fields and [DeviceAccess] accessors in each lock mode: access and guarded-by rules.</summary>
    public const string Hardware = """
        using VfioPm.Annotations;
        using VfioPm.Runtime;
        using VfioPm.Runtime.Power;
        using VfioPm.Runtime.Vfio;
        class Hw
        {
            public MemoryLock MemoryLock { get; } = new();
            public Device Dev = null!;
            readonly object _gate = new();
            [GuardedBy("MemoryLock")] bool _engaged;
            [GuardedBy("_gate")] int _count;
            [DeviceAccess(MemoryLockMode.Shared)] int ReadBar() => 0;
            [DeviceAccess(MemoryLockMode.Exclusive)] void SetState() { }
            [DeviceAccess(MemoryLockMode.Shared, LockFree = true)] int ReadIoPort() => 0;

        """;
}
