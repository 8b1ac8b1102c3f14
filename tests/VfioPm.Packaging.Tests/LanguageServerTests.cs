using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using VfioPm.Packaging.Tests.TestKit;

namespace VfioPm.Packaging.Tests;

/// <summary>
/// A real IDE host: csharp-ls 0.28.0 (a Roslyn language server), installed into a temporary tool path, opens the
/// README's example with strict enforcement and is asked for the document's diagnostics over LSP. It must report what
/// the command-line build reports: the same rule, line, column and message, as an error, with the rule page as link.
/// When the tool cannot be installed in a run, the test is skipped and says why.
/// </summary>
[Collection(PackageFeedHostsCollection.Name)]
public sealed class LanguageServerTests(PackageFeed feed)
{
    private static readonly TimeSpan WorkspaceLoad = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public async Task CsharpLsReportsTheStrictDiagnosticsOfTheReadmeExample()
    {
        var tools = Path.Combine(feed.Root, "tools");
        var install = DotnetCli.Run(feed.Root, ["tool", "install", "csharp-ls", "--version", "0.28.0", "--tool-path", tools], timeout: TimeSpan.FromMinutes(3));
        Skip.If(install.ExitCode != 0, "csharp-ls 0.28.0 could not be installed in this run:\n" + install);

        var readme = ReadmeSection.Read("Use it in your driver");
        var consumer = ConsumerProject.Create(
            feed,
            "LanguageServer",
            new Dictionary<string, string> { ["MyDevice.cs"] = readme.Code("csharp")[0], ["Program.cs"] = readme.Code("csharp")[1] },
            outputType: "Exe",
            properties: new Dictionary<string, string> { ["VfioPmEnforcement"] = "strict" });
        var expected = readme.PromisedDiagnostics()
            .Select(l => Regex.Match(l, @"^MyDevice\.cs\((?<line>\d+),(?<column>\d+)\): error (?<id>VPM\d{4}): (?<message>.*)$"))
            .Where(m => m.Success)
            .Select(m => $"{m.Groups["id"].Value} at {int.Parse(m.Groups["line"].Value) - 1}:{int.Parse(m.Groups["column"].Value) - 1} severity 1: {m.Groups["message"].Value}")
            .ToList();
        Assert.NotEmpty(expected);

        using var server = new LspClient(Path.Combine(tools, "csharp-ls"), consumer.Directory, new JsonObject { ["analyzersEnabled"] = true });
        var root = new Uri(consumer.Directory + Path.DirectorySeparatorChar).AbsoluteUri;
        var document = new Uri(Path.Combine(consumer.Directory, "MyDevice.cs")).AbsoluteUri;
        await server.RequestAsync("initialize", new JsonObject
        {
            ["processId"] = Environment.ProcessId,
            ["rootUri"] = root,
            ["capabilities"] = new JsonObject
            {
                ["workspace"] = new JsonObject { ["configuration"] = true },
                ["textDocument"] = new JsonObject { ["diagnostic"] = new JsonObject(), ["publishDiagnostics"] = new JsonObject() },
            },
        }, WorkspaceLoad);
        server.Notify("initialized", new JsonObject());
        server.Notify("workspace/didChangeConfiguration", new JsonObject { ["settings"] = new JsonObject { ["csharp"] = new JsonObject { ["analyzersEnabled"] = true } } });
        server.Notify("textDocument/didOpen", new JsonObject
        {
            ["textDocument"] = new JsonObject
            {
                ["uri"] = document,
                ["languageId"] = "csharp",
                ["version"] = 1,
                ["text"] = File.ReadAllText(Path.Combine(consumer.Directory, "MyDevice.cs")),
            },
        });

        // The workspace loads in the background: ask until VfioPm's diagnostics arrive (or the time is up).
        var clock = Stopwatch.StartNew();
        List<JsonNode> vfioPm = [];
        while (clock.Elapsed < WorkspaceLoad)
        {
            var report = await server.RequestAsync("textDocument/diagnostic", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = document } }, WorkspaceLoad);
            vfioPm = (report?["items"]?.AsArray() ?? []).Where(d => d?["code"]?.ToString().StartsWith("VPM", StringComparison.Ordinal) == true).Select(d => d!).ToList();
            if (vfioPm.Count > 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.True(vfioPm.Count > 0, "no VPM diagnostic within " + WorkspaceLoad + ". Server log:\n" + server.ServerLog);
        var actual = vfioPm
            .Select(d => $"{d["code"]} at {d["range"]!["start"]!["line"]}:{d["range"]!["start"]!["character"]} severity {d["severity"]}: {d["message"]}")
            .ToList();
        Assert.Equal(expected.Order(), actual.Order());
        Assert.All(vfioPm, d => Assert.Equal(
            $"https://github.com/vfiopm/vfiopm/blob/main/docs/rules/{d["code"]}.md", d["codeDescription"]?["href"]?.ToString()));

        await server.RequestAsync("shutdown", null, TimeSpan.FromSeconds(30));
        server.Notify("exit", null);
    }
}
