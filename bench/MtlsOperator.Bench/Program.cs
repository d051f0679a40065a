using System.Globalization;
using MtlsOperator.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Contains("--help"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var machine = MachineState.Capture();
Console.WriteLine($"mtls-operator bench: {machine.Describe()}; sizes {string.Join(", ", options.Sizes)}; runs {options.Runs}");
var results = new List<ScaleResult>();
foreach (var n in options.Sizes)
{
    for (var run = 0; run < options.Runs; run++)
    {
        results.Add(await new ScaleRun(options, Console.Out).RunAsync(n));
    }
}

var table = ResultsTable.Render(results, machine, MachineState.Capture(), options);
Console.WriteLine();
Console.WriteLine(table);
if (options.ResultsFile is { } file)
{
    ResultsTable.WriteInto(file, table, options.Label);
    Console.WriteLine($"written to {file}");
}

return 0;
