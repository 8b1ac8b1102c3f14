using Microsoft.CodeAnalysis;
using VfioPm.Generators.Emitting;
using VfioPm.Generators.Models;
using VfioPm.Generators.Parsing;

namespace VfioPm.Generators;

/// <summary>
/// Writes <c>Ioctl</c>, <c>Read</c> and <c>Write</c> for every partial class marked
/// <c>[VfioPm.Annotations.VfioDeviceOps]</c>, from its [VfioIoctl], [VfioFeature] and [VfioRegion] handlers, each
/// dispatcher bracketed by a runtime-PM resume-and-get / put on the [PmDevice] with resume errors masked as -EIO.
/// Problems are reported by <see cref="Diagnostics.VfioDeviceOpsAnalyzer"/>; the generator skips what it flags.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class VfioDeviceOpsGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.DeviceOpsAttributeMetadataName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax
                    or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (ctx, ct) => ctx.TargetSymbol is INamedTypeSymbol type && DeviceOpsParser.IsFirstApplication(type, ctx.TargetNode)
                    ? DeviceOpsParser.Parse(type, sink: null, ct)
                    : null)
            .WithTrackingName(TrackingNames.Transform)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Models);

        // Hint names must be unique in the compilation, which no single class can know: the collisions are computed
        // over all models, and are value-equal (so every emit step stays cached) until a colliding class comes or goes.
        var collisions = models
            .Collect()
            .Select(static (all, _) => HintNames.Collisions(all))
            .WithTrackingName(TrackingNames.HintNames);

        var files = models
            .Combine(collisions)
            .Select(static (pair, _) => DeviceOpsEmitter.Emit(pair.Left with { HintName = HintNames.Resolve(pair.Left, pair.Right) }))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(files, static (spc, file) => spc.AddSource(file.HintName, file.Source));
    }
}
