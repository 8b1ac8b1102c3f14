namespace VfioPm.Runtime.Platform;

/// <summary>How <see cref="PlatformTrace.WriteSvg"/> draws.</summary>
public sealed record TimelineSvgOptions
{
    /// <summary>The drawing's title.</summary>
    public string Title { get; init; } = "VfioPm timeline";

    /// <summary>Width in pixels (the height follows from the number of devices and notes).</summary>
    public int Width { get; init; } = 1280;

    /// <summary>Wrap the SVG in a self-contained HTML page instead (for <c>.html</c> files).</summary>
    public bool Html { get; init; }
}
