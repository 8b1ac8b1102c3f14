using System.Linq;
using System.Reflection;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>
/// This machine's NuGet package folder, as the test project's restore used it (recorded at build time). The test
/// project downloads what wider-host consumers need into it (PackageDownload), and those consumers use it as a local
/// source, so their restores stay offline.
/// </summary>
internal static class MachineCache
{
    public static string Path { get; } =
        typeof(MachineCache).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "VfioPm.NuGetPackageRoot").Value!;
}
