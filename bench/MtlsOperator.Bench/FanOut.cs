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
        var seen = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        server.OutOfBand.Replace(MtlsOperatorResources.TrustBundles, ns, bundle);
        while (seen.Count < before.Count && clock.Elapsed < timeout)
        {
            var now = clock.Elapsed;
            server.Store.Count(ApiResource.Secrets, ns, secret =>
            {
                var name = (string)secret["metadata"]!["name"]!;
                if (before.TryGetValue(name, out var old) && !seen.ContainsKey(name) && (secret["data"]?["ca.crt"]?.GetValue<string>() ?? "") != old)
                {
                    seen[name] = now;
                }

                return false;
            });
            await Task.Delay(10);
        }

        await Convergence.SettledAsync(op, server, TimeSpan.FromSeconds(1), timeout);
        var after = (await op.ScrapeAsync())?.Sum("mtls_operator_reconcile_total") ?? 0;
        var latencies = seen.Values.Order().ToList();
        TimeSpan At(double q) => latencies.Count == 0 ? TimeSpan.Zero : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        return new Result(before.Count, seen.Count, At(0.5), At(0.99), latencies.Count == 0 ? TimeSpan.Zero : latencies[^1], after - reconciles,
            server.Requests.WritesSince(mark).Count);
    }
}
