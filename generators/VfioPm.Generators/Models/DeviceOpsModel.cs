namespace VfioPm.Generators.Models;

// The value-equatable models that cross the pipeline: strings, numbers, enums and EquatableArray only — no ISymbol,
// SyntaxNode, Location or Compilation, so an unchanged class compares equal across edits and its output is reused.

/// <summary>One [VfioDeviceOps] class, everything the emitter needs.</summary>
/// <param name="HintName">The readable hint name (see <see cref="Parsing.HintNames"/>; colliding ones are disambiguated).</param>
/// <param name="MetadataName">The exact metadata name (<c>N.Outer+Driver`1</c>), unique per class.</param>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="Types">The type declarations from the outermost containing type down to the class itself.</param>
/// <param name="PmExpression">An expression of type <c>RuntimePm</c> reaching the [PmDevice] member (e.g. <c>this.Pdev.Power</c>).</param>
/// <param name="Ioctls">The [VfioIoctl] handlers, ordered by command.</param>
/// <param name="Features">The [VfioFeature] handlers, ordered by feature index.</param>
/// <param name="Regions">The [VfioRegion] handlers, ordered by index then direction.</param>
internal sealed record DeviceOpsModel(
    string HintName,
    string MetadataName,
    string Namespace,
    EquatableArray<TypeDeclarationModel> Types,
    string PmExpression,
    EquatableArray<IoctlHandlerModel> Ioctls,
    EquatableArray<FeatureHandlerModel> Features,
    EquatableArray<RegionHandlerModel> Regions);

/// <summary>The hint name of a class whose readable hint name collides with another's.</summary>
/// <param name="MetadataName">The class's exact metadata name.</param>
/// <param name="HintName">Its disambiguated hint name.</param>
internal sealed record HintOverride(string MetadataName, string HintName);

/// <summary>A partial type declaration to reopen: <c>partial {Keyword} {NameWithTypeParameters}</c>.</summary>
/// <param name="Keyword"><c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
/// <param name="NameWithTypeParameters">The name with its type-parameter list, e.g. <c>Driver&lt;T&gt;</c>.</param>
internal sealed record TypeDeclarationModel(string Keyword, string NameWithTypeParameters);

/// <summary>A [VfioIoctl] handler.</summary>
/// <param name="Command">The ioctl number.</param>
/// <param name="MethodName">The handler's name (for comments).</param>
/// <param name="CallTarget">How generated code calls it: <c>this.M</c> or <c>global::N.T.M</c>.</param>
internal sealed record IoctlHandlerModel(uint Command, string MethodName, string CallTarget);

/// <summary>A [VfioFeature] handler.</summary>
/// <param name="Id">The feature index.</param>
/// <param name="Ops">The supported directions: the FeatureOps bits (GET 0x10000, SET 0x20000).</param>
/// <param name="MinArgSize">The smallest payload a GET/SET needs.</param>
/// <param name="MethodName">The handler's name (for comments).</param>
/// <param name="CallTarget">How generated code calls it.</param>
internal sealed record FeatureHandlerModel(ushort Id, uint Ops, int MinArgSize, string MethodName, string CallTarget);

/// <summary>A [VfioRegion] handler for one direction.</summary>
/// <param name="Index">The region index.</param>
/// <param name="IsWrite">True for the write shape (<c>ReadOnlySpan&lt;byte&gt;</c> buffer), false for the read shape.</param>
/// <param name="MethodName">The handler's name (for comments).</param>
/// <param name="CallTarget">How generated code calls it.</param>
internal sealed record RegionHandlerModel(int Index, bool IsWrite, string MethodName, string CallTarget);

/// <summary>The emitted text of one class.</summary>
/// <param name="HintName">The hint name passed to <c>AddSource</c>.</param>
/// <param name="Source">The C# source.</param>
internal sealed record GeneratedFile(string HintName, string Source);
