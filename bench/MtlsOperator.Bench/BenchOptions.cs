using System.Globalization;

namespace MtlsOperator.Bench;

/// <summary>Command-line options of the benchmark.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: MtlsOperator.Bench --operator PATH/mtls-operator.dll [--quick | --sizes 1000,10000,30000] [--runs 1]
                                  [--workers 4] [--ceiling-loops 4] [--unrelated 50000] [--no-faults] [--timeout 600]
                                  [--label TEXT] [--results docs/benchmarks.md] [--work DIR] [--operator-env NAME=VALUE ...]
          --quick   N = 1,000 only (about two minutes); the default is the full 1,000 / 10,000 / 30,000
          --operator-env  an environment variable for the operator process (e.g. DOTNET_GCgen0size=0x1000000), repeatable
          --label   names this row set in the history section of the results file (e.g. "after: evaluation cache")
        """;

    public required string OperatorDll { get; init; }
    public IReadOnlyList<int> Sizes { get; init; } = [1_000, 10_000, 30_000];
    public int Runs { get; init; } = 1;
    public int Workers { get; init; } = 4;
    public int CeilingLoops { get; init; } = 4;
    public int UnrelatedSecrets { get; init; } = 50_000;
    public bool Faults { get; init; } = true;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(600);
    public string? Label { get; init; }
    public string? ResultsFile { get; init; }
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "mtls-operator-bench");
    public bool Quick { get; init; }
    public IReadOnlyDictionary<string, string> OperatorEnvironment { get; init; } = new Dictionary<string, string>();

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        string? dll = null;
        var o = new BenchOptions { OperatorDll = "" };
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--operator" => o with { OperatorDll = dll = Path.GetFullPath(Next()) },
                "--quick" => o with { Sizes = [1_000], Quick = true },
                "--sizes" => o with { Sizes = [.. Next().Split(',').Select(s => int.Parse(s.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture))] },
                "--runs" => o with { Runs = Int() },
                "--workers" => o with { Workers = Int() },
                "--ceiling-loops" => o with { CeilingLoops = Int() },
                "--unrelated" => o with { UnrelatedSecrets = Int() },
                "--no-faults" => o with { Faults = false },
                "--timeout" => o with { Timeout = TimeSpan.FromSeconds(Int()) },
                "--label" => o with { Label = Next() },
                "--results" => o with { ResultsFile = Path.GetFullPath(Next()) },
                "--work" => o with { WorkDirectory = Path.GetFullPath(Next()) },
                "--operator-env" => o with { OperatorEnvironment = new Dictionary<string, string>(o.OperatorEnvironment) { [Next().Split('=', 2)[0]] = args[i].Split('=', 2) is [_, var value] ? value : "" } },
                _ => throw new FormatException($"unknown option {args[i]}"),
            };
        }

        return dll is null ? throw new FormatException("--operator is required") : o;
    }
}
