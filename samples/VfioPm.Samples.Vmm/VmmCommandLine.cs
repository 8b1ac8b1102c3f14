using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;

namespace VfioPm.Samples.Vmm;

/// <summary>
/// The command line's conventions: usage errors go to stderr and exit 2 (1 is the scenario's "fatal access" and the
/// host listing's "nothing listed"); on/off switches take true/false, yes/no, on/off or 1/0; the scenario's options
/// are refused on the <c>host</c> command instead of being ignored.
/// </summary>
internal static class VmmCommandLine
{
    private const string On = "on";
    private const string Off = "off";

    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageError = 2;

    /// <summary>How to see the options, from an installed tool and from the repository.</summary>
    public const string HelpHint = "Run 'vmm --help' (from the repository: dotnet run --project samples/VfioPm.Samples.Vmm -- --help) for the options.";

    /// <summary>
    /// An on/off option: alone it means on; <c>--name off</c> (or false, no, 0) turns it off; <c>--no-name</c> is
    /// created beside it for the same purpose. The value is <see cref="IsOn"/>.
    /// </summary>
    // Option<string>, not Option<bool>: the parser lets a bool option take only "true"/"false" as its value.
    public static (Option<string> On, Option<bool> Off) Switch(string name, string description, bool defaultValue)
    {
        var on = new Option<string>("--" + name)
        {
            Description = $"{description} Alone it means on; '--{name} off' or '--no-{name}' turns it off.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "on|off",
            DefaultValueFactory = _ => defaultValue ? On : Off,
            CustomParser = ParseSwitch,
        };

        var off = new Option<bool>("--no-" + name) { Description = $"Same as '--{name} off'." };
        return (on, off);
    }

    /// <summary>The switch's value; a contradiction (both given, on) is a parse error added by <see cref="AddSwitchCheck"/>.</summary>
    public static bool IsOn(ParseResult parse, Option<string> on, Option<bool> off) =>
        !parse.GetValue(off) && parse.GetValue(on) == On;

    /// <summary>Reports <c>--name on --no-name</c> as a usage error.</summary>
    public static void AddSwitchCheck(Command command, Option<string> on, Option<bool> off) =>
        command.Validators.Add(result =>
        {
            if (result.GetResult(on) is { Implicit: false } && result.GetResult(off) is { Implicit: false }
                && result.GetValue(off) && result.GetValue(on) == On)
            {
                result.AddError($"{on.Name} and {off.Name} contradict each other; give one of them.");
            }
        });

    /// <summary>
    /// Refuses the root command's own options on <paramref name="sub"/>: they configure the scenario, and
    /// <c>vmm --quiet host</c> would otherwise parse and silently ignore them.
    /// </summary>
    public static void RefuseRootOptions(RootCommand root, Command sub) =>
        sub.Validators.Add(result =>
        {
            foreach (var option in root.Options.Where(o => o is not HelpOption and not VersionOption))
            {
                // Before the subcommand it parses as the root's option; after it, as one of the subcommand's arguments.
                if (result.GetResult(option) is { Implicit: false }
                    || result.Tokens.Any(t => t.Value == option.Name || option.Aliases.Contains(t.Value)))
                {
                    result.AddError($"{option.Name} configures the scenario ('vmm {option.Name} ...'); it has no effect on 'vmm {sub.Name}'.");
                }
            }
        });

    /// <summary>Parses and runs <paramref name="args"/>: parse errors to <paramref name="error"/> with exit code 2.</summary>
    public static int Invoke(RootCommand root, string[] args, TextWriter output, TextWriter error)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine("vmm: " + e.Message);
            }

            error.WriteLine(HelpHint);
            return UsageError;
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static string ParseSwitch(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return On;
        }

        switch (result.Tokens[0].Value.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1":
                return On;
            case "false" or "no" or "off" or "0":
                return Off;
            default:
                result.AddError($"'{result.Tokens[0].Value}' is not a value of {((OptionResult)result.Parent!).Option.Name}: use on or off (also true/false, yes/no, 1/0).");
                return Off;
        }
    }
}
