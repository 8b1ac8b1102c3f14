using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using VfioPm.Analyzers.Contracts;
using VfioPm.Analyzers.Flow;

namespace VfioPm.Analyzers.Rules;

/// <summary>
/// VPM0007: a call that may run a device's runtime-PM callbacks ([MayRunPmCallbacks]: a synchronous resume/suspend such
/// as ResumeAndGet, GetSync, Resume, PutSync, Forbid, or an SR-IOV enable that probes VF drivers) made while a lock
/// those callbacks take is held on every path to it; or a call marked [ExcludesMemoryLock] made under memory_lock. The
/// callbacks' locks come from the driver's [RuntimePmCallback] methods with [ExcludesMemoryLock] on the type whose
/// [PmDevice] member the call is made on; where none are declared, any memory_lock counts.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SyncTransitionUnderLockAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.SyncTransitionUnderMemoryLock);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FlowDriver.Register(context, static (block, contracts, graph, method) =>
        {
            SharedFlow.Get(graph, method, contracts, block.CancellationToken).Replay((analysis, op, states) =>
            {
                if (op is not IInvocationOperation invocation)
                {
                    return;
                }

                var callee = contracts.For(invocation.TargetMethod);
                if (!callee.ExcludesLock && !callee.MayRunPmCallbacks)
                {
                    return;
                }

                KeyValuePair<string, LockMode> held = default;
                if (!callee.ExcludesLock && PmCallbackLocks.Of(PmCallbackLocks.DeviceOf(invocation, callee)) is { } callbacks)
                {
                    // The device's callbacks are declared: only the locks they take deadlock.
                    var owner = analysis.PathOf(callbacks.Owner);
                    foreach (var name in callbacks.Locks)
                    {
                        var key = owner is null ? null : owner + "." + name;
                        if (key is not null && HeldFacts.MustMode(states, key) != LockMode.None)
                        {
                            held = new KeyValuePair<string, LockMode>(key, LockMode.Exclusive);
                            break;
                        }
                    }
                }
                else
                {
                    // [ExcludesMemoryLock], or callbacks nobody declared: any memory_lock held counts (vfio-pci's take it).
                    held = HeldFacts.MustLocks(states).FirstOrDefault(l => !analysis.IsMonitorKey(l.Key));
                }

                if (held.Key is not null)
                {
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.SyncTransitionUnderMemoryLock, invocation.Syntax.GetLocation(),
                        invocation.TargetMethod.Name + "()", ResourceKeys.Display(held.Key)));
                }
            });
        });
    }
}
