using MtlsOperator.Crds;

namespace MtlsOperator.Cli;

/// <summary><c>crds</c>: prints the CustomResourceDefinitions generated from the C# types, or writes them to a folder.</summary>
internal sealed class CrdsCommand(TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
        usage: mtls-operator crds [--out DIR] [--chart CHART_DIR] [--api-reference FILE]
          --out            write one file per CRD to DIR instead of printing them
          --chart          also write them as Helm templates to CHART_DIR/templates/crds (behind crds.enabled / crds.keep)
          --api-reference  also write the API reference (Markdown) generated from the same schemas to FILE
        Regenerate the repository's copies with: crds --out crds --chart charts/mtls-operator --api-reference docs/api-reference.md
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["--out", "--chart", "--api-reference"], []);
        if (options.Error is not null || options.Positionals.Count > 0)
        {
            stderr.WriteLine(options.Error ?? $"unexpected argument {options.Positionals[0]}");
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var crds = new CrdGenerator().GenerateAll();
        if (options.Value("--api-reference") is { } reference)
        {
            var generator = new CrdGenerator();
            File.WriteAllText(reference, ApiReference.Render(CrdCatalog.Kinds.Select(generator.Generate)));
        }

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

        if (options.Value("--chart") is not null || options.Value("--api-reference") is not null)
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
