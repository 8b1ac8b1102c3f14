using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VfioPm.Runtime.Power;
using VfioPm.Runtime.Tests.TestKit;

namespace VfioPm.Runtime.Tests.Tracing;

/// <summary>
/// Each event's text against the kernel's own <c>TP_printk</c> format string from <c>include/trace/events/rpm.h</c>,
/// expanded by a small C <c>printf</c> (the conversions those formats use: <c>%s</c>, <c>%x</c>, <c>%d</c> with a
/// <c>-</c> flag and a width, <c>%pS</c>), over field values that exercise the padding: one, two and three digits,
/// negative results, every flag bit.
/// </summary>
public sealed class RpmTraceFormatTests
{
    // Verbatim from include/trace/events/rpm.h (the two literal halves of rpm_internal's format are concatenated, as C does).
    private const string RpmInternalFormat = "%s flags-%x cnt-%-2d dep-%-2d auto-%-1d p-%-1d irq-%-1d child-%d";
    private const string RpmReturnIntFormat = "%pS:%s ret=%d";
    private const string RpmStatusFormat = "%s status=%s";

    private static readonly Device Dev = new("0000:01:00.0", null, PmEnvironment.CreateDeterministic());

    [Theory]
    [InlineData(RpmTracepoint.Idle, 0x0, 0, 0, true, false, 0)]
    [InlineData(RpmTracepoint.Suspend, 0xa, 1, 0, true, true, 1)]
    [InlineData(RpmTracepoint.Resume, 0x4, 12, 1, false, false, 3)]
    [InlineData(RpmTracepoint.Usage, 0xd, 123, 10, true, false, 0)]
    [InlineData(RpmTracepoint.Resume, 0xf, 7, 2, false, true, 42)]
    public void RpmInternalEventsPrintAsTheirTpPrintk(RpmTracepoint point, int flags, int usage, int depth, bool auto, bool pending, int children)
    {
        var e = Event(point) with { Flags = flags, UsageCount = usage, DisableDepth = depth, RuntimeAuto = auto, RequestPending = pending, ChildCount = children };
        var expected = CPrintf(RpmInternalFormat, Dev.Name, flags, usage, depth, auto ? 1 : 0, pending ? 1 : 0, 0, children);
        Assert.Equal(expected, RpmTraceFormat.Fields(e));
    }

    [Theory]
    [InlineData("rpm_resume", 1)]
    [InlineData("rpm_suspend", -16)]
    [InlineData("rpm_idle", 0)]
    public void RpmReturnIntPrintsAsItsTpPrintk(string function, int ret)
    {
        var e = Event(RpmTracepoint.ReturnInt) with { Function = function, Return = ret };
        Assert.Equal(CPrintf(RpmReturnIntFormat, function, Dev.Name, ret), RpmTraceFormat.Fields(e));
    }

    [Theory]
    [InlineData(RpmStatus.Active, "RPM_ACTIVE")]
    [InlineData(RpmStatus.Resuming, "RPM_RESUMING")]
    [InlineData(RpmStatus.Suspended, "RPM_SUSPENDED")]
    [InlineData(RpmStatus.Suspending, "RPM_SUSPENDING")]
    public void RpmStatusPrintsAsItsTpPrintkWithTheKernelsSymbols(RpmStatus status, string symbol)
    {
        var e = Event(RpmTracepoint.Status) with { Status = status };
        Assert.Equal(CPrintf(RpmStatusFormat, Dev.Name, symbol), RpmTraceFormat.Fields(e));
    }

    [Fact]
    public void TheIssuesExampleReadsTheSameOnceThePaddingIsSqueezed()
    {
        // The issue quotes "rpm_resume: 0000:01:00.0 flags-4 cnt-1 dep-0 auto-1 p-0 irq-0 child-0"; the kernel's %-2d
        // pads cnt and dep to two columns, so the real line has two spaces after each one-digit value.
        var e = Event(RpmTracepoint.Resume) with { Flags = 4, UsageCount = 1, RuntimeAuto = true };
        var body = $"{e.Name}: {RpmTraceFormat.Fields(e)}";
        Assert.Equal("rpm_resume: 0000:01:00.0 flags-4 cnt-1  dep-0  auto-1 p-0 irq-0 child-0", body);
        Assert.Equal("rpm_resume: 0000:01:00.0 flags-4 cnt-1 dep-0 auto-1 p-0 irq-0 child-0", Regex.Replace(body, " +", " "));
    }

    [Fact]
    public void LinesCarryFtracesContextColumns()
    {
        // trace_print_context(): "%16s-%-7d [%03d] " + irq column + " %5llu.%06lu: " then "name: " and the fields.
        var locked = Event(RpmTracepoint.Resume) with { Flags = 4, UsageCount = 1, RuntimeAuto = true, Time = TimeSpan.FromTicks(3_001_234_567), ThreadId = 42 };
        Assert.Equal(
            "             vmm-42      [000] d..1.   300.123456: rpm_resume: 0000:01:00.0 flags-4 cnt-1  dep-0  auto-1 p-0 irq-0 child-0",
            RpmTraceFormat.Line(locked, "vmm"));

        var worker = locked with { InPmWork = true, UnderPowerLock = false, Time = TimeSpan.FromMilliseconds(2.5) };
        Assert.StartsWith("     kworker/0:1-42      [000] .....     0.002500: rpm_resume: ", RpmTraceFormat.Line(worker, "vmm"));

        // comm is at most 15 characters (TASK_COMM_LEN 16 with the terminator).
        Assert.StartsWith(" a-very-long-tas-42 ", RpmTraceFormat.Line(locked, "a-very-long-task-name"));
    }

    [Fact]
    public void TheWriterPutsTheHeaderFirstAndOneLinePerEvent()
    {
        var bed = new PmTestBed();
        var (gpu, _) = bed.Create("gpu", enable: true, active: true);
        var text = new System.IO.StringWriter();
        using (var writer = new RpmFtraceWriter(text, task: "vmm", leaveOpen: true))
        using (bed.Environment.AttachTraceSink(writer))
        {
            bed.Clock.Advance(TimeSpan.FromMilliseconds(1.5));
            gpu.Power.Suspend();
            Assert.Equal(4, writer.Count);
        }

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# tracer: nop", lines[0]);
        var events = Array.FindAll(lines, l => !l.StartsWith('#'));
        Assert.Equal(4, events.Length);
        var tid = Environment.CurrentManagedThreadId;
        Assert.Equal(CPrintf("%16s-%-7d [%03d] d..1. %5d.%06d: rpm_suspend: gpu flags-0 cnt-0  dep-0  auto-1 p-0 irq-0 child-0", "vmm", tid, 0, 0, 1500), events[0]);
        Assert.EndsWith("rpm_status: gpu status=RPM_SUSPENDING", events[1]);
        Assert.EndsWith("rpm_status: gpu status=RPM_SUSPENDED", events[2]);
        Assert.EndsWith("rpm_return_int: rpm_suspend:gpu ret=0", events[3]);
    }

    private static RpmTraceEvent Event(RpmTracepoint point) =>
        new(point, TimeSpan.Zero, Dev, 0, 0, 0, true, false, 0, null, 0, RpmStatus.Active, 1, false, true);

    // The subset of C printf the rpm formats use. %pS prints its argument (the symbol; the model has no offsets).
    private static string CPrintf(string format, params object[] args)
    {
        var output = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                output.Append(format[i]);
                continue;
            }

            i++;
            var left = false;
            if (format[i] == '-')
            {
                left = true;
                i++;
            }

            var width = 0;
            var zero = format[i] == '0';
            while (char.IsAsciiDigit(format[i]))
            {
                width = (width * 10) + (format[i] - '0');
                i++;
            }

            string text;
            switch (format[i])
            {
                case 's':
                    text = (string)args[next++];
                    break;
                case 'd':
                    text = Convert.ToInt64(args[next++], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                    break;
                case 'x':
                    text = Convert.ToUInt32(args[next++], CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture);
                    break;
                case 'p' when format[i + 1] == 'S':
                    i++;
                    text = (string)args[next++];
                    break;
                default:
                    throw new FormatException($"unsupported conversion %{format[i]}");
            }

            var pad = Math.Max(0, width - text.Length);
            output.Append(left ? text + new string(' ', pad) : new string(zero ? '0' : ' ', pad) + text);
        }

        Assert.Equal(args.Length, next);
        return output.ToString();
    }
}
