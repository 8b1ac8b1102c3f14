using System.Collections.Generic;

namespace VfioPm.Stress.Fuzz;

/// <summary>What an oracle needs to know about the target device and the process when an input is made.</summary>
/// <param name="IsPf">The device is an SR-IOV PF (it owns feature 0, the VF token).</param>
/// <param name="EngagedAtHandler">
/// Low power is engaged when the feature handler runs: engaged before the call, unless the call's resume woke an armed
/// wake-up eventfd (which ends low power first).
/// </param>
/// <param name="HasIntx">The function has an INTx pin.</param>
/// <param name="ResetWorks">A function reset works (<c>reset_works</c>).</param>
/// <param name="BarSizes">Sizes of BARs 0..5 (0 = not implemented).</param>
/// <param name="WakeFd">An open eventfd of the process.</param>
/// <param name="RegularFd">An open descriptor that is not an eventfd.</param>
public sealed record OracleContext(bool IsPf, bool EngagedAtHandler, bool HasIntx, bool ResetWorks, IReadOnlyList<int> BarSizes, int WakeFd, int RegularFd);
