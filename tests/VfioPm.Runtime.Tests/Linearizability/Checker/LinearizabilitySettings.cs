using System;
using System.Globalization;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>
/// How long the linearizability checks run. CI runs a fixed number of histories per check (a few seconds in all);
/// <c>VFIOPM_LINEARIZABILITY_SECONDS=N</c> runs each check for N seconds instead (the long mode the README reports).
/// </summary>
internal static class LinearizabilitySettings
{
    public const string SecondsVariable = "VFIOPM_LINEARIZABILITY_SECONDS";

    /// <summary>Seconds per check in the long mode, or -1 in CI.</summary>
    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : -1;
}
