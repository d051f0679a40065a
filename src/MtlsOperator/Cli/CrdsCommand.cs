using MtlsOperator.Crds;

namespace MtlsOperator.Cli;

/// <summary><c>crds</c>: prints the CustomResourceDefinitions generated from the C# types, or writes them to a folder.</summary>
internal sealed class CrdsCommand(TextWriter stdout, TextWriter stderr)
{
    public const string Usage = "usage: mtls-operator crds [--out DIR]   (regenerate the repository's crds/ with --out crds)";

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["--out"], []);
        if (options.Error is not null || options.Positionals.Count > 0)
        {
            stderr.WriteLine(options.Error ?? $"unexpected argument {options.Positionals[0]}");
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var crds = new CrdGenerator().GenerateAll();
        if (options.Value("--out") is { } dir)
        {
            Directory.CreateDirectory(dir);
            foreach (var (file, yaml) in crds)
            {
                File.WriteAllText(Path.Combine(dir, file), yaml);
            }

            return ExitCodes.Ok;
        }

        foreach (var (_, yaml) in crds)
        {
            stdout.Write("---\n" + yaml);
        }

        return ExitCodes.Ok;
    }
}
