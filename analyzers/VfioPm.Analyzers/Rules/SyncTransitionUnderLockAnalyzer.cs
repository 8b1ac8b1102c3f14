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

                KeyValuePair<ResourceKey, LockMode> held = default;
                if (!callee.ExcludesLock && PmCallbackLocks.Of(PmCallbackLocks.DeviceOf(invocation, callee)) is { } callbacks)
                {
                    // The device's callbacks are declared: only the locks they take deadlock.
                    var owner = analysis.PathOf(callbacks.Owner);
                    foreach (var name in callbacks.Locks)
                    {
                        if (owner is not null && HeldFacts.MustMode(states, new ResourceKey(owner + "." + name)) != LockMode.None)
                        {
                            held = new KeyValuePair<ResourceKey, LockMode>(new ResourceKey(owner + "." + name), LockMode.Exclusive);
                            break;
                        }
                    }
                }
                else if (callee.ExcludesLock && callee.ExcludesLockTarget is { } target && analysis.LockKeyFor(invocation, target) is { } named)
                {
                    // [ExcludesMemoryLock(Lock = "vdev.MemoryLock")]: only the lock it names, on the object the call names
                    // (another device's memory_lock held across the call is not the one it takes).
                    if (HeldFacts.MustMode(states, named) != LockMode.None)
                    {
                        held = new KeyValuePair<ResourceKey, LockMode>(named, LockMode.Exclusive);
                    }
                }
                else
                {
                    // [ExcludesMemoryLock], or callbacks nobody declared: any memory_lock held counts (vfio-pci's take it).
                    held = HeldFacts.MustLocks(states).FirstOrDefault(l => !analysis.IsMonitorKey(l.Key));
                }

                if (held.Key.Path is not null)
                {
                    block.ReportDiagnostic(Diagnostic.Create(Descriptors.SyncTransitionUnderMemoryLock, invocation.Syntax.GetLocation(),
                        invocation.TargetMethod.Name + "()", held.Key.Display));
                }
            });
        });
    }
}
