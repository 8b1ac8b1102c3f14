using System;
using System.Threading;
using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;

namespace VfioPm.Runtime.Tests.Pci;

/// <summary>A shared legacy INTx line: handle_irq_event() over every action, disable_irq/enable_irq, free_irq().</summary>
public sealed class IntxLineTests
{
    private static PciDevice Function(SimulatedPlatform platform, string bdf)
    {
        var port = platform.AddRootPort("0000:00:1c." + bdf[^1]);
        return platform.AddEndpoint(port, bdf);
    }

    [Fact]
    public void EveryEnabledHandlerRunsAndOnlyClaimsCount_handle_irq_event()
    {
        var platform = new SimulatedPlatform();
        var line = new IntxLine("IRQ 16");
        var a = Function(platform, "0000:01:00.0");
        var b = Function(platform, "0000:02:00.1");
        var ranA = 0;
        var ranB = 0;
        using var ra = line.Register(a, () => { ranA++; return true; });
        using var rb = line.Register(b, () => { ranB++; return false; });

        Assert.Equal(1, line.Raise());
        Assert.Equal((1, 1), (ranA, ranB));
        Assert.Equal(2, line.Invocations);

        rb.Disable(); // disable_irq_nosync: the action stays but is skipped
        Assert.Equal(1, line.Raise());
        Assert.Equal((2, 1), (ranA, ranB));
        rb.Enable();
        line.Raise();
        Assert.Equal((3, 2), (ranA, ranB));
        Assert.Equal(2, line.HandlerCount);
    }

    [Fact]
    public void AFreedHandlerNeverRunsAgain_free_irq()
    {
        var platform = new SimulatedPlatform();
        var line = new IntxLine("IRQ 17");
        var a = Function(platform, "0000:01:00.0");
        var ran = 0;
        var reg = line.Register(a, () => { ran++; return true; });
        reg.Dispose();
        Assert.False(reg.IsRegistered);
        Assert.Equal(0, line.HandlerCount);
        Assert.Equal(0, line.Raise());
        Assert.Equal(0, ran);
        reg.Dispose(); // twice is harmless
    }

    [Fact]
    public void FreeWaitsForTheHandlerInFlight_synchronize_irq()
    {
        var platform = new SimulatedPlatform();
        var line = new IntxLine("IRQ 18");
        var a = Function(platform, "0000:01:00.0");
        using var inHandler = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var reg = line.Register(a, () =>
        {
            inHandler.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return true;
        });

        var raiser = new Thread(() => line.Raise()) { IsBackground = true };
        raiser.Start();
        Assert.True(inHandler.Wait(TimeSpan.FromSeconds(10)));
        var freed = new ManualResetEventSlim();
        var freer = new Thread(() => { reg.Dispose(); freed.Set(); }) { IsBackground = true };
        freer.Start();
        Assert.False(freed.Wait(TimeSpan.FromMilliseconds(100)));
        release.Set();
        Assert.True(freed.Wait(TimeSpan.FromSeconds(10)));
        raiser.Join();
    }

    [Fact]
    public void FreeingFromInsideAHandlerOfTheSameLineIsAProgrammingError_free_irq()
    {
        var platform = new SimulatedPlatform();
        var line = new IntxLine("IRQ 19");
        var a = Function(platform, "0000:01:00.0");
        IntxLine.Registration? reg = null;
        Exception? caught = null;
        reg = line.Register(a, () =>
        {
            caught = Record.Exception(() => reg!.Dispose());
            return true;
        });
        line.Raise();
        Assert.IsType<InvalidOperationException>(caught);
        reg.Dispose();
    }

    [Fact]
    public void TheFunctionsPinFollowsCommandIntxDisable_pci_intx()
    {
        var platform = new SimulatedPlatform();
        var line = new IntxLine("IRQ 20");
        var a = Function(platform, "0000:01:00.0");
        a.Intx = line;
        var ran = 0;
        using var reg = line.Register(a, () => { ran++; return true; });

        a.WriteConfig16(PciRegs.Command, PciRegs.CommandIntxDisable);
        Assert.Equal(0, a.AssertIntx());
        Assert.Equal(0, ran);
        Assert.NotEqual(0, a.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt); // still pending in STATUS
        a.WriteConfig16(PciRegs.Command, 0);
        Assert.Equal(1, a.AssertIntx());
        a.DeassertIntx();
        Assert.Equal(0, a.ReadConfig16(PciRegs.Status) & PciRegs.StatusInterrupt);
    }
}
