using System;
using VfioPm.Generators.Tests.TestKit;
using VfioPm.Runtime;
using VfioPm.Runtime.Power;

namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>
/// Issue 17's shapes that are supported rather than diagnosed, run: the one-[VfioDeviceOps]-per-hierarchy rule with a
/// virtual handler overridden below, a [PmDevice] of a type parameter constrained to Device, [field: PmDevice], keyword
/// names and an [Obsolete] handler. Each handler must run with exactly one reference held, and none must be left after.
/// </summary>
public sealed class UnusualShapeBehaviourTests : IClassFixture<UnusualShapeBehaviourTests.Compiled>
{
    internal const string Source = """
        using System;
        using VfioPm.Annotations;
        using VfioPm.Generators.Tests.TestKit;
        using VfioPm.Runtime.Power;

        namespace Probe;

        [VfioDeviceOps]
        public partial class BaseDriver : IGeneratedFile
        {
            protected readonly HandlerLog Log;

            public BaseDriver(Device device, HandlerLog log)
            {
                Device = device;
                Log = log;
            }

            [PmDevice]
            public Device Device { get; }

            [VfioIoctl(1)]
            private int Base(Span<byte> arg) => Log.Record(nameof(Base), Device.Power, 0, arg.Length, 0);

            [VfioIoctl(2)]
            protected virtual int Varied(Span<byte> arg) => Log.Record("BaseVaried", Device.Power, 0, arg.Length, 0);
        }

        // No [VfioDeviceOps]: it inherits the base class's dispatchers, whose this.Varied(...) is a virtual call.
        public sealed class DerivedDriver : BaseDriver
        {
            public DerivedDriver(Device device, HandlerLog log) : base(device, log) { }

            protected override int Varied(Span<byte> arg) => Log.Record("DerivedVaried", Device.Power, 0, arg.Length, 0);
        }

        [VfioDeviceOps]
        public partial class @fixed<@in, TDev> : IGeneratedFile where TDev : Device
        {
            private readonly HandlerLog _log;

            public @fixed(TDev device, HandlerLog log)
            {
                Dev = device;
                _log = log;
            }

            [field: PmDevice]
            public TDev Dev { get; }

            [Obsolete("kept for old VMMs")]
            [VfioIoctl(3)]
            private int @event(Span<byte> arg) => _log.Record("event", Dev.Power, 0, arg.Length, 0);
        }
        """;

    private readonly GeneratedAssembly _assembly;
    private readonly PmWorld _world = new();
    private readonly HandlerLog _log = new();

    public UnusualShapeBehaviourTests(Compiled compiled) => _assembly = compiled.Assembly;

    [Theory]
    [InlineData(1u, "Base")]
    [InlineData(2u, "DerivedVaried")]
    public void DerivedClassDispatchesTheWholeHierarchysHandlersThroughTheBaseDispatcher(uint cmd, string handler)
    {
        var derived = _assembly.Create<IGeneratedFile>("Probe.DerivedDriver", _world.Device, _log);

        Assert.Equal(_log.Result, derived.Ioctl(cmd, new byte[4]));
        Assert.Equal(-Errno.ENOTTY, derived.Ioctl(4, new byte[4]));

        var call = Assert.Single(_log.Calls);
        Assert.Equal((handler, 1, RpmStatus.Active), (call.Handler, call.UsageCount, call.Status));
        Assert.Equal(0, _world.Power.UsageCount);
    }

    [Fact]
    public void ConstrainedTypeParameterBackingFieldKeywordNamesAndObsoleteHandlerWork()
    {
        var type = _assembly.Assembly.GetType("Probe.fixed`2", throwOnError: true)!.MakeGenericType(typeof(int), typeof(Device));
        var file = (IGeneratedFile)Activator.CreateInstance(type, _world.Device, _log)!;

        Assert.Equal(_log.Result, file.Ioctl(3, new byte[2]));

        var call = Assert.Single(_log.Calls);
        Assert.Equal(("event", 1, 2), (call.Handler, call.UsageCount, call.Length));
        Assert.Equal(0, _world.Power.UsageCount);
    }

    /// <summary>The drivers, compiled once for the class.</summary>
    public sealed class Compiled : IDisposable
    {
        public GeneratedAssembly Assembly { get; } = GeneratedAssembly.Build(Source);

        public void Dispose() => Assembly.Dispose();
    }
}
