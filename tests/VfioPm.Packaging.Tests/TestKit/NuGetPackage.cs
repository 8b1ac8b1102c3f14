using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>A .nupkg/.snupkg read as what it is: a zip with a .nuspec.</summary>
internal sealed class NuGetPackage
{
    private NuGetPackage(IReadOnlyList<string> entries, XElement metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>Every file in the package except the OPC bookkeeping.</summary>
    public IReadOnlyList<string> Entries { get; }

    /// <summary>The nuspec's &lt;metadata&gt; element.</summary>
    public XElement Metadata { get; }

    public static NuGetPackage Open(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", System.StringComparison.Ordinal) && !n.StartsWith("package/", System.StringComparison.Ordinal) && n != "[Content_Types].xml")
            .Order(System.StringComparer.Ordinal)
            .ToList();
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", System.StringComparison.Ordinal) && !e.FullName.Contains('/', System.StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        return new NuGetPackage(entries, metadata);
    }

    /// <summary>The assemblies one assembly in the package references (name and version), read from its metadata.</summary>
    public static IReadOnlyList<(string Name, System.Version Version)> AssemblyReferences(string packagePath, string entry)
    {
        using var zip = ZipFile.OpenRead(packagePath);
        using var stream = new MemoryStream();
        using (var source = zip.GetEntry(entry)!.Open())
        {
            source.CopyTo(stream);
        }

        stream.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.AssemblyReferences
            .Select(h => reader.GetAssemblyReference(h))
            .Select(r => (reader.GetString(r.Name), r.Version))
            .ToList();
    }

    /// <summary>The text of a metadata element (namespace-agnostic), or null.</summary>
    public string? Value(string name) => Element(name)?.Value;

    /// <summary>A metadata element (namespace-agnostic), or null.</summary>
    public XElement? Element(string name) => Metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>Every &lt;dependency&gt; id in every group.</summary>
    public IReadOnlyList<string> DependencyIds =>
        Metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();

    /// <summary>The target frameworks of the dependency groups.</summary>
    public IReadOnlyList<string> DependencyGroups =>
        Metadata.Descendants().Where(e => e.Name.LocalName == "group").Select(e => (string?)e.Attribute("targetFramework") ?? "").Order(System.StringComparer.Ordinal).ToList();
}
