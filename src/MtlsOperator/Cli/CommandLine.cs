namespace MtlsOperator.Cli;

/// <summary>A parsed command line: options with values, flags, positionals, or the first error.</summary>
internal sealed record CommandLine(IReadOnlyList<(string Name, string Value)> Options, IReadOnlySet<string> Flags, IReadOnlyList<string> Positionals, string? Error)
{
    /// <summary>Parses <c>--name value</c>, <c>--name=value</c> and flags; anything not starting with <c>-</c> is positional.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var options = new List<(string, string)>();
        var seenFlags = new HashSet<string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            var name = eq > 0 ? arg[..eq] : arg;
            if (valued.Contains(name))
            {
                if (eq > 0)
                {
                    options.Add((name, arg[(eq + 1)..]));
                }
                else if (i + 1 < args.Count)
                {
                    options.Add((name, args[++i]));
                }
                else
                {
                    return new CommandLine(options, seenFlags, positionals, $"{name} needs a value");
                }
            }
            else if (flags.Contains(arg))
            {
                seenFlags.Add(arg);
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                return new CommandLine(options, seenFlags, positionals, $"unknown option {arg}");
            }
            else
            {
                positionals.Add(arg);
            }
        }

        return new CommandLine(options, seenFlags, positionals, null);
    }

    public IReadOnlyList<string> Values(params string[] names) => Options.Where(o => names.Contains(o.Name)).Select(o => o.Value).ToList();

    public string? Value(params string[] names) => Values(names) is [.., var last] ? last : null;
}
