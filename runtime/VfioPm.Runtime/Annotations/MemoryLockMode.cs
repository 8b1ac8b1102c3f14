namespace VfioPm.Annotations;

/// <summary>How <c>memory_lock</c> (a reader-writer semaphore) is held.</summary>
public enum MemoryLockMode
{
    /// <summary>Held for read (<c>down_read</c>): BAR access, mmap faults.</summary>
    Shared = 0,

    /// <summary>Held for write (<c>down_write</c>): power state, memory enable, <c>pm_runtime_engaged</c>.</summary>
    Exclusive = 1,
}
