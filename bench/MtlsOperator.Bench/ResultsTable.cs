using System.Globalization;
using System.Text;

namespace MtlsOperator.Bench;

/// <summary>The one results table (markdown), and where it goes in docs/benchmarks.md.</summary>
internal static class ResultsTable
{
    private const string LatestStart = "<!-- bench:latest:start -->";
    private const string LatestEnd = "<!-- bench:latest:end -->";
    private const string HistoryEnd = "<!-- bench:history:end -->";

    public static string Render(IReadOnlyList<ScaleResult> results, MachineState before, MachineState after, BenchOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{before.Describe()}; load average at the end {after.LoadAverage}; "
            + $"operator workers {options.Workers}{(options.OperatorEnvironment.Count > 0 ? " with " + string.Join(' ', options.OperatorEnvironment.Select(kv => $"{kv.Key}={kv.Value}")) : "")}, "
            + $"raw write loop {options.CeilingLoops} concurrent creates; {options.UnrelatedSecrets:N0} unrelated Secrets of 2 KiB.");
        text.AppendLine();
        text.AppendLine("| listeners | to all Ready | ÷ raw write of N (creates/s) | reconciles/s · writes/s | requests / listener | cold CPU-s | RSS peak · settled (base) | heap · per listener | settled with unrelated | fan-out p50 · p99 warm (dependents; reconciles) | restart: time · writes · CPU-s | resync: writes · CPU-s | under faults |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var ready = r.ColdReady is { } t ? t.TotalSeconds : double.NaN;
            var warm = r.FanOutWarm;
            text.AppendLine($"| {r.Listeners:N0} | {S(r.ColdReady)} | {r.ReadyToCeiling:F1}× ({r.CeilingPerSecond:N0}/s) | {r.ColdReconciles / ready:N0} · {r.ColdWrites / ready:N0} | "
                + $"{(double)r.ColdRequests / r.Listeners:F2} | {r.ColdCpu:F1} | {r.ColdPeakRssMiB:F0} · {r.ColdSettledRssMiB:F0} MiB ({r.BaseRssMiB:F0}) | "
                + $"{r.ColdHeapMiB:F0} MiB · {(r.ColdSettledRssMiB - r.BaseRssMiB) * 1024 / r.Listeners:F1} KiB RSS | "
                + $"{r.UnrelatedSettledRssMiB:F0} MiB ({Change(r.UnrelatedSettledRssMiB, r.RestartSettledRssMiB)}), {r.UnrelatedWrites} writes | "
                + (warm is null ? "– | " : $"{warm.P50.TotalSeconds:F2} · {warm.P99.TotalSeconds:F2} s ({warm.Dependents:N0}{(warm.Updated < warm.Dependents ? $", only {warm.Updated} updated" : "")}; {warm.Reconciles:N0}) | ")
                + $"{S(r.Restart)} · {r.RestartWrites} · {r.RestartCpu:F1} | {r.ResyncWrites} · {r.ResyncCpu:F1} | "
                + (r.FaultCheck is null ? "not run |" : $"{S(r.FaultReady)}; {r.FaultCheck} |"));
        }

        text.AppendLine();
        foreach (var r in results)
        {
            var calls = string.Join(", ", r.ColdRequestsByCall.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"- N={r.Listeners:N0} cold-start requests ({r.ColdRequests:N0}, {r.ColdRequests / (r.ColdReady?.TotalSeconds ?? double.NaN):N0}/s; no client-side limit: `run --kube-api-qps` is off by default): {calls}. The test API server and the bench (one process) used {r.ColdServerCpu:F1} CPU-s meanwhile, the operator {r.ColdCpu:F1}, allocating {r.ColdAllocatedMiB:N0} MiB, with GC pauses of {r.ColdGcPause:F1} s and {r.ColdJit:F1} s inside the JIT (elapsed, waits for a core included); reconciles that failed and were retried until settled: {r.ColdFailedReconciles:N0}. "
                + $"Steady state: {r.SteadyWrites} writes{(r.SteadyWrites == 0 ? "" : $" ({string.Join("; ", r.SteadyWriteCalls.Take(10))}{(r.SteadyWrites > 10 ? "; …" : "")})")}. Restart: {r.RestartRequests:N0} requests; the runtime's counters until converged: GC pauses {r.RestartGcPause:F1} s, JIT {r.RestartJit:F1} s, {r.RestartAllocatedMiB:N0} MiB allocated. A full /metrics scrape: {r.FullScrapeLines:N0} lines, {r.FullScrapeCpu:F2} CPU-s (the bench itself polls only the three families it reads). Fan-out cold p50 · p99: {r.FanOutCold?.P50.TotalSeconds:F2} · {r.FanOutCold?.P99.TotalSeconds:F2} s, {r.FanOutCold?.Writes} writes. "
                + $"ServerCertificate evaluations run (owners and listeners, not reused): cold start {r.ColdCertificateEvaluations:N0}, restart {r.RestartCertificateEvaluations:N0}, warm fan-out {r.FanOutCertificateEvaluations:N0}; ClientAuthPolicy evaluations in the warm fan-out to {r.FanOutWarm?.Dependents:N0} listeners of one policy: {r.FanOutPolicyEvaluations:N0} run, {r.FanOutPoliciesReused:N0} answered from the shared results; resync reconciles answered from memory: {r.ResyncConverged:N0}.");
        }

        return text.ToString();
    }

    /// <summary>Replaces the latest-run section of <paramref name="file"/> and appends the table to its history under <paramref name="label"/>.</summary>
    public static void WriteInto(string file, string table, string? label)
    {
        var text = File.Exists(file) ? File.ReadAllText(file) : $"# Benchmarks\n\n## Latest run\n\n{LatestStart}\n{LatestEnd}\n\n## History\n\n{HistoryEnd}\n";
        var start = text.IndexOf(LatestStart, StringComparison.Ordinal);
        var end = text.IndexOf(LatestEnd, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            text = text[..(start + LatestStart.Length)] + "\n" + table + text[end..];
        }

        var history = text.IndexOf(HistoryEnd, StringComparison.Ordinal);
        if (label is not null && history >= 0)
        {
            text = text[..history] + $"### {label}\n\n{table}\n" + text[history..];
        }

        File.WriteAllText(file, text);
    }

    private static string S(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s" : "timeout";

    private static string Change(double value, double reference) =>
        reference > 0 ? Math.Round((value - reference) / reference * 100) switch
        {
            // A change that rounds to zero from below would print as "-+0" with a sectioned format.
            0 => "±0 %",
            var percent => percent.ToString("+0;-0", CultureInfo.InvariantCulture) + " %",
        } : "?";
}
