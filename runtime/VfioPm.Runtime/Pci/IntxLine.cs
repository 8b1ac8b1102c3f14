using System;
using System.Collections.Generic;
using System.Threading;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// A legacy INTx line, possibly shared by several functions. When any function asserts it, every enabled handler on
/// the line runs — which is why a handler must not read config space of a function that is powered off. Freeing a
/// handler waits for the line's handling in flight, as <c>free_irq()</c> does, so a freed handler never runs again.
/// </summary>
public sealed class IntxLine
{
    // Guards the handler list and the threads handling an interrupt of the line right now (thread → nesting depth).
    private readonly List<Registration> _handlers = new();
    private readonly Dictionary<Thread, int> _handling = new();
    private int _invocations;

    /// <summary>Creates a line with a name such as "IRQ 16".</summary>
    public IntxLine(string name) => Name = name;

    /// <summary>The line's name.</summary>
    public string Name { get; }

    /// <summary>Handlers registered on the line.</summary>
    public int HandlerCount
    {
        get
        {
            lock (_handlers)
            {
                return _handlers.Count;
            }
        }
    }

    /// <summary>Handler invocations so far.</summary>
    public int Invocations => Volatile.Read(ref _invocations);

    /// <summary>Adds a handler for <paramref name="owner"/>; it returns true when the interrupt was its device's (IRQ_HANDLED).</summary>
    // models request_irq(..., IRQF_SHARED, ...)
    public Registration Register(PciDevice owner, Func<bool> handler)
    {
        var registration = new Registration(this, owner, handler);
        lock (_handlers)
        {
            _handlers.Add(registration);
        }

        return registration;
    }

    /// <summary>Raises the line: runs every enabled handler. Returns how many claimed it.</summary>
    /// <remarks>A handler freed while this runs is skipped if not reached yet; freeing it waits until this returns.</remarks>
    // models handle_irq_event() for a shared line: the action list is walked while it may change under it
    public int Raise()
    {
        Registration[] snapshot;
        var self = Thread.CurrentThread;
        lock (_handlers)
        {
            snapshot = _handlers.ToArray();
            _handling[self] = _handling.GetValueOrDefault(self) + 1;
        }

        try
        {
            var claimed = 0;
            foreach (var r in snapshot)
            {
                if (r.IsEnabled && r.IsRegistered)
                {
                    Interlocked.Increment(ref _invocations);
                    if (r.Handler())
                    {
                        claimed++;
                    }
                }
            }

            return claimed;
        }
        finally
        {
            lock (_handlers)
            {
                if (--_handling[self] == 0)
                {
                    _handling.Remove(self);
                }

                Monitor.PulseAll(_handlers);
            }
        }
    }

    // models free_irq(): unlink the action, then synchronize_irq() — wait until no handling of the line is in flight,
    // so the handler cannot be running or start again once this returns. Calling it from a handler of the same line
    // would wait for itself (free_irq() must not be called from interrupt context): a programming error, it throws.
    private void Remove(Registration registration)
    {
        lock (_handlers)
        {
            if (!_handlers.Contains(registration))
            {
                return;
            }

            if (_handling.ContainsKey(Thread.CurrentThread))
            {
                throw new InvalidOperationException($"{Name}: a handler cannot be freed from inside a handler of the same line");
            }

            _handlers.Remove(registration);
            registration.IsRegistered = false;
            while (_handling.Count != 0)
            {
                Monitor.Wait(_handlers);
            }
        }
    }

    /// <summary>One handler on the line; disable/enable model <c>disable_irq_nosync</c>/<c>enable_irq</c> for non-PCI-2.3 masking.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly IntxLine _line;
        private volatile bool _enabled = true;
        private volatile bool _registered = true;

        internal Registration(IntxLine line, PciDevice owner, Func<bool> handler)
        {
            _line = line;
            Owner = owner;
            Handler = handler;
        }

        /// <summary>The function the handler serves.</summary>
        public PciDevice Owner { get; }

        internal Func<bool> Handler { get; }

        /// <summary>Whether the handler runs when the line fires.</summary>
        public bool IsEnabled => _enabled;

        /// <summary>Still on the line (not yet freed).</summary>
        public bool IsRegistered
        {
            get => _registered;
            internal set => _registered = value;
        }

        /// <summary>Stops the handler from running (<c>disable_irq_nosync</c>).</summary>
        public void Disable() => _enabled = false;

        /// <summary>Lets the handler run again (<c>enable_irq</c>).</summary>
        public void Enable() => _enabled = true;

        /// <summary>Removes the handler and waits for the line's handling in flight (<c>free_irq</c>). Idempotent.</summary>
        public void Dispose() => _line.Remove(this);
    }
}
