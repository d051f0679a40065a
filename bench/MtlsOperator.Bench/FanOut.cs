using System.Diagnostics;
using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>One shared TrustBundle changes: how long until every dependent listener's output Secret carries the new CA bundle.</summary>
internal static class FanOut
{
    public sealed record Result(int Dependents, int Updated, TimeSpan P50, TimeSpan P99, TimeSpan Max, double Reconciles, int Writes);

    public static async Task<Result> MeasureAsync(TestKubeApiServer server, OperatorProcess op, BenchWorld world, TimeSpan timeout)
    {
        var ns = BenchWorld.NamespaceOf(0);
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        server.Store.Count(ApiResource.Secrets, ns, secret =>
        {
            if (ClusterProbe.IsListenerOutput(secret))
            {
                before[(string)secret["metadata"]!["name"]!] = secret["data"]?["ca.crt"]?.GetValue<string>() ?? "";
            }

            return false;
        });

        var reconciles = (await op.ScrapeAsync())?.Sum("mtls_operator_reconcile_total") ?? 0;
        var mark = server.Requests.Mark();
        var bundle = world.NextBundleOfGroupZero();
        var live = server.Store.Get(MtlsOperatorResources.TrustBundles, ns, "bundle-0")!;
        bundle["metadata"]!["resourceVersion"] = live["metadata"]!["resourceVersion"]!.DeepClone();
        // Each dependent's latency is the moment the server stored the first successful write of its output after the bundle's
        // (the journal's timestamp), not when a poll of the store noticed it: polling every 10 ms meant scanning thousands of Secrets
        // in this process a hundred times a second, on the cores the operator and the server share.
        var started = Stopwatch.GetTimestamp();
        server.OutOfBand.Replace(MtlsOperatorResources.TrustBundles, ns, bundle);
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        while (seen.Count < before.Count && clock.Elapsed < timeout)
        {
            await Task.Delay(50);
            foreach (var write in server.Requests.WritesSince(mark))
            {
                if (write is { Resource: "secrets", Call.Subresource: null, StatusCode: >= 200 and < 300 } && write.Call.Namespace == ns
                    && write.Call.Name is { } name && before.ContainsKey(name) && !seen.ContainsKey(name))
                {
                    seen[name] = Stopwatch.GetElapsedTime(started, write.AnsweredAt);
                }
            }
        }

        await Convergence.SettledAsync(op, server, TimeSpan.FromSeconds(1), timeout);
        var after = (await op.ScrapeAsync())?.Sum("mtls_operator_reconcile_total") ?? 0;
        server.Store.Count(ApiResource.Secrets, ns, secret =>
        {
            // Only outputs that now carry a new CA bundle count as updated.
            var name = (string)secret["metadata"]!["name"]!;
            if (before.TryGetValue(name, out var old) && (secret["data"]?["ca.crt"]?.GetValue<string>() ?? "") == old)
            {
                seen.Remove(name);
            }

            return false;
        });
        var latencies = seen.Values.Order().ToList();
        TimeSpan At(double q) => latencies.Count == 0 ? TimeSpan.Zero : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new Result(before.Count, seen.Count, At(0.5), At(0.99), latencies.Count == 0 ? TimeSpan.Zero : latencies[^1], after - reconciles,
            server.Requests.WritesSince(mark).Count);
    }
}
