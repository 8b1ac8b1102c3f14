using System;

namespace VfioPm.Annotations;

/// <summary>
/// A handler for one <c>VFIO_DEVICE_FEATURE</c> index. Signature: <c>int Handler(uint flags, Span&lt;byte&gt; payload)</c>.
/// The generated dispatcher runs <c>vfio_check_feature</c> first: unsupported direction → <c>-EINVAL</c>,
/// PROBE → 0, neither GET nor SET → <c>-EINVAL</c>, payload shorter than <see cref="MinArgSize"/> → <c>-EINVAL</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class VfioFeatureAttribute : Attribute
{
    /// <summary>Declares the handler for feature <paramref name="id"/> supporting <paramref name="ops"/>.</summary>
    public VfioFeatureAttribute(ushort id, FeatureOps ops)
    {
        Id = id;
        Ops = ops;
    }

    /// <summary>The feature index (<c>flags &amp; VFIO_DEVICE_FEATURE_MASK</c>).</summary>
    public ushort Id { get; }

    /// <summary>The directions the feature supports.</summary>
    public FeatureOps Ops { get; }

    /// <summary>The smallest payload (bytes after the 8-byte header) a GET/SET needs.</summary>
    public int MinArgSize { get; set; }
}
