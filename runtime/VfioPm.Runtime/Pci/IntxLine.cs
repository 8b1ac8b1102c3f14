using System;
using System.Collections.Generic;

namespace VfioPm.Runtime.Pci;

/// <summary>
/// A legacy INTx line, possibly shared by several functions. When any function asserts it, every enabled handler on
/// the line runs — which is why a handler must not read config space of a function that is powered off.
/// </summary>
public sealed class IntxLine
{
    private readonly List<Registration> _handlers = new();

    /// <summary>Creates a line with a name such as "IRQ 16".</summary>
    public IntxLine(string name) => Name = name;

    /// <summary>The line's name.</summary>
    public string Name { get; }

    /// <summary>Handler invocations so far.</summary>
    public int Invocations { get; private set; }

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
    public int Raise()
    {
        Registration[] snapshot;
        lock (_handlers)
        {
            snapshot = _handlers.ToArray();
        }

        var claimed = 0;
        foreach (var r in snapshot)
        {
            if (r.IsEnabled)
            {
                Invocations++;
                if (r.Handler())
                {
                    claimed++;
                }
            }
        }

        return claimed;
    }

    private void Remove(Registration registration)
    {
        lock (_handlers)
        {
            _handlers.Remove(registration);
        }
    }

    /// <summary>One handler on the line; disable/enable model <c>disable_irq_nosync</c>/<c>enable_irq</c> for non-PCI-2.3 masking.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly IntxLine _line;
        private volatile bool _enabled = true;

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

        /// <summary>Stops the handler from running (<c>disable_irq_nosync</c>).</summary>
        public void Disable() => _enabled = false;

        /// <summary>Lets the handler run again (<c>enable_irq</c>).</summary>
        public void Enable() => _enabled = true;

        /// <summary>Removes the handler (<c>free_irq</c>).</summary>
        public void Dispose() => _line.Remove(this);
    }
}
