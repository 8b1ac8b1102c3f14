namespace VfioPm.Generators;

/// <summary>The names of the generator's tracked pipeline steps (for <c>GeneratorRunResult.TrackedSteps</c>).</summary>
public static class TrackingNames
{
    /// <summary>The semantic transform of each [VfioDeviceOps] class into its model (null when it cannot be generated).</summary>
    public const string Transform = "VfioDeviceOps.Transform";

    /// <summary>The models that can be generated.</summary>
    public const string Models = "VfioDeviceOps.Models";

    /// <summary>The hint names that collide across classes, with their disambiguated replacements.</summary>
    public const string HintNames = "VfioDeviceOps.HintNames";

    /// <summary>The emitted source of each model.</summary>
    public const string Emit = "VfioDeviceOps.Emit";
}
