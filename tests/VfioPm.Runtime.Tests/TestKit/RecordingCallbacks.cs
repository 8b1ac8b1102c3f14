using System;
using System.Collections.Generic;
using System.Threading;
using VfioPm.Runtime.Power;

namespace VfioPm.Runtime.Tests.TestKit;

/// <summary>
/// Runtime callbacks that record every call, return configurable results, and detect a suspend/resume callback
/// running while another one runs for the same device (which the PM core must never allow).
/// </summary>
public sealed class RecordingCallbacks : IRuntimePmCallbacks
{
    private int _inTransition;
    private int _overlaps;
    private int _suspends;
    private int _resumes;
    private int _idles;

    /// <summary>Result of the next suspend callbacks (default 0).</summary>
    public Func<Device, int> OnSuspend { get; set; } = _ => 0;

    /// <summary>Result of the next resume callbacks (default 0).</summary>
    public Func<Device, int> OnResume { get; set; } = _ => 0;

    /// <summary>Result of the next idle callbacks (default 0).</summary>
    public Func<Device, int> OnIdle { get; set; } = _ => 0;

    /// <summary>Which callbacks exist (default all three).</summary>
    public RuntimePmCallbackKinds Provides { get; set; } = RuntimePmCallbackKinds.All;

    public List<string> Calls { get; } = new();

    public int Suspends => Volatile.Read(ref _suspends);

    public int Resumes => Volatile.Read(ref _resumes);

    public int Idles => Volatile.Read(ref _idles);

    /// <summary>Times a suspend/resume callback started while another was running for the device.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public int RuntimeSuspend(Device device)
    {
        Enter("suspend");
        try
        {
            Interlocked.Increment(ref _suspends);
            return OnSuspend(device);
        }
        finally
        {
            Interlocked.Decrement(ref _inTransition);
        }
    }

    public int RuntimeResume(Device device)
    {
        Enter("resume");
        try
        {
            Interlocked.Increment(ref _resumes);
            return OnResume(device);
        }
        finally
        {
            Interlocked.Decrement(ref _inTransition);
        }
    }

    public int RuntimeIdle(Device device)
    {
        lock (Calls)
        {
            Calls.Add("idle");
        }

        Interlocked.Increment(ref _idles);
        return OnIdle(device);
    }

    private void Enter(string what)
    {
        if (Interlocked.Increment(ref _inTransition) != 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        lock (Calls)
        {
            Calls.Add(what);
        }
    }
}
