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
/// VPM0004/VPM0005 (a [DeviceAccess]/[RequiresMemoryLock] call without memory_lock, or with only a read hold where
/// write is needed) and VPM0006 (a [DeviceAccess]/[RequiresPmReference] call with no runtime-PM reference held). Inside
/// a [RuntimePmCallback], or a method that itself declares the requirement, the caller's guarantee counts.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeviceAccessAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.AccessWithoutMemoryLock, Descriptors.AccessNeedsExclusiveLock, Descriptors.AccessWithoutPmReference);

    private static bool IsDispatchedHandler(IMethodSymbol? method) =>
        method is not null && method.GetAttributes().Any(a => a.AttributeClass is { Name: "VfioIoctlAttribute" or "VfioFeatureAttribute" or "VfioRegionAttribute" } c
            && AttributeNames.IsAnnotationsNamespace(c.ContainingNamespace));

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        FlowDriver.Register(context, static (block, contracts, graph, method) =>
        {
            var self = method is null ? MethodContract.Empty : contracts.For(method);
            // Generated dispatchers run [VfioIoctl]/[VfioFeature]/[VfioRegion] handlers inside their get/put bracket.
            var pmGuaranteed = self.IsRuntimePmCallback || self.RequiresPm || self.IsDeviceAccess || IsDispatchedHandler(method);
            var reported = new HashSet<(string, int)>();
            SharedFlow.Get(graph, method, contracts, block.CancellationToken).Replay((analysis, op, states) =>
            {
                if (op is not IInvocationOperation invocation)
                {
                    return;
                }

                var callee = contracts.For(invocation.TargetMethod);
                var needsLock = callee.IsDeviceAccess && !callee.DeviceAccessLockFree ? callee.DeviceAccess : callee.RequiresLock;
                // Inside a [DeviceAccess] method the caller holds the hardware's lock in that method's mode.
                var lockByCaller = self.IsDeviceAccess && !self.DeviceAccessLockFree && callee.DeviceAccess <= self.DeviceAccess;
                var needsLockAtAll = (callee.IsDeviceAccess && !callee.DeviceAccessLockFree && !self.NoConcurrentUsers && !lockByCaller) || callee.RequiresLock != LockMode.None;
                ResourceKey? guardKey = null;
                if (needsLockAtAll && callee.IsDeviceAccess && callee.RequiresLock == LockMode.None)
                {
                    // Which lock guards this hardware: the receiver's own MemoryLock, or the [PtGuardedBy] of the member it
                    // is reached through; a PCI-level accessor reached any other way (a static one too: the device is
                    // its argument) needs only the PM reference. A static helper with no device at all names no lock.
                    guardKey = HardwareGuard.KeyFor(analysis, invocation);
                    needsLockAtAll = guardKey is not null || (invocation.Instance is null && HardwareGuard.DeviceOperand(invocation) is null);
                }

                if (needsLockAtAll)
                {
                    // Without a receiver (a static helper) any memory_lock held on every path counts.
                    var lockKey = guardKey ?? analysis.LockKeyFor(invocation, callee.RequiresLockTarget);
                    var held = lockKey is { } key
                        ? HeldFacts.MustMode(states, key)
                        : HeldFacts.MustLocks(states).Where(l => !analysis.IsMonitorKey(l.Key)).Select(l => l.Value).DefaultIfEmpty(LockMode.None).Max();
                    if (held == LockMode.None && lockKey is { } perIteration)
                    {
                        held = analysis.ElementLockMode(invocation, perIteration, states); // "one memory_lock per member"
                    }

                    var name = lockKey is { } named ? named.Display : "memory_lock";
                    if (held == LockMode.None && reported.Add(("lock", invocation.Syntax.SpanStart)))
                    {
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.AccessWithoutMemoryLock, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name + "()", name));
                    }
                    else if (held == LockMode.Shared && needsLock == LockMode.Exclusive && reported.Add(("mode", invocation.Syntax.SpanStart)))
                    {
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.AccessNeedsExclusiveLock, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name + "()", name));
                    }
                }

                if ((callee.IsDeviceAccess || callee.RequiresPm) && !pmGuaranteed && reported.Add(("pm", invocation.Syntax.SpanStart)))
                {
                    if (!HardwareGuard.HoldsPmFor(analysis, invocation, callee, states))
                    {
                        var device = HardwareGuard.DeviceOperand(invocation) is { } receiver && analysis.PathOf(receiver) is { } path && path != "this" ? ResourceKeys.Display(path) : invocation.TargetMethod.ContainingType.Name;
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.AccessWithoutPmReference, invocation.Syntax.GetLocation(), invocation.TargetMethod.Name + "()", "no runtime-PM reference on '" + device + "' is held here"));
                    }
                    // A [RequiresPmReference] callee is satisfied by the count its caller holds (pci_device_remove() calls
                    // remove after an unchecked get_sync, and remove copes); a hardware touch needs the device active.
                    else if (callee.IsDeviceAccess && HeldFacts.CountedButNotActive(states) is { } counted && counted.Site is IInvocationOperation acquire)
                    {
                        // A usage count is not a resumed device: get_sync's failure path still holds the count.
                        var device = analysis.PmKeyFor(acquire, contracts.For(acquire.TargetMethod).AcquiresPmTarget)?.Display ?? acquire.TargetMethod.ContainingType.Name;
                        block.ReportDiagnostic(Diagnostic.Create(Descriptors.AccessWithoutPmReference, invocation.Syntax.GetLocation(), new[] { acquire.Syntax.GetLocation() }, invocation.TargetMethod.Name + "()",
                            "'" + device + "' is only counted here, not known active: the result of '" + acquire.TargetMethod.Name + "()' is not checked"));
                    }
                }
            });
        });
    }
}
