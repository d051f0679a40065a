using MtlsOperator.Crds;

namespace MtlsOperator.Cli;

/// <summary><c>crds</c>: prints the CustomResourceDefinitions generated from the C# types, or writes them to a folder.</summary>
internal sealed class CrdsCommand(TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
        usage: mtls-operator crds [--out DIR] [--chart CHART_DIR]
          --out    write one file per CRD to DIR instead of printing them
          --chart  also write them as Helm templates to CHART_DIR/templates/crds (behind crds.enabled / crds.keep)
        Regenerate the repository's copies with: crds --out crds --chart charts/mtls-operator
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["--out", "--chart"], []);
        if (options.Error is not null || options.Positionals.Count > 0)
        {
            stderr.WriteLine(options.Error ?? $"unexpected argument {options.Positionals[0]}");
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var crds = new CrdGenerator().GenerateAll();
        if (options.Value("--chart") is { } chart)
        {
            var templates = Path.Combine(chart, ChartCrdTemplate.Folder);
            Directory.CreateDirectory(templates);
            foreach (var (file, yaml) in crds)
            {
                File.WriteAllText(Path.Combine(templates, file), ChartCrdTemplate.Wrap(yaml));
            }
        }

        if (options.Value("--out") is { } dir)
        {
            Directory.CreateDirectory(dir);
            foreach (var (file, yaml) in crds)
            {
                File.WriteAllText(Path.Combine(dir, file), yaml);
            }

            return ExitCodes.Ok;
        }

        if (options.Value("--chart") is not null)
        {
            return ExitCodes.Ok;
        }

        foreach (var (_, yaml) in crds)
        {
            stdout.Write("---\n" + yaml);
        }

        return ExitCodes.Ok;
    }
}
