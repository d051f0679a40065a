using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Tests.Controller;

/// <summary>
/// What a cold start costs the API server, counted request by request (deterministic, not timed): N listeners sharing one
/// policy and bundle converge with one write per output and per status, no read-backs of Secrets, no Event and no second
/// reconcile of anything.
/// </summary>
public sealed class ColdStartRequestTests
{
    private const int Listeners = 12;

    [Fact]
    public async Task A_cold_start_writes_each_output_and_status_once_and_reads_nothing_back()
    {
        await using var fx = await OperatorFixture.StartAsync();
        SharedBundleWorld.Seed(fx.Server, Listeners, "Cold Start");
        var mark = fx.Server.Requests.Mark();

        var host = fx.StartOperator();
        await OperatorFixture.Eventually(() => Task.FromResult(ReadyListeners(fx.Server) == Listeners), "every listener is Ready", TimeSpan.FromSeconds(60));
        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(60));

        var counts = fx.Server.Requests.CountsSince(mark);
        int Count(string call) => counts.GetValueOrDefault(call);
        var all = string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));
        Assert.True(Count("get secrets") == 0, $"no Secret is read back one by one; requests: {all}");
        Assert.True(Count("get configmaps") == 0, $"no ConfigMap is read back one by one; requests: {all}");
        Assert.True(Count("create events") == 0, $"resources Ready at their first evaluation record no Event; requests: {all}");
        Assert.Equal(Listeners, Count("create secrets"));
        Assert.Equal(1 + Listeners, Count("create configmaps")); // the bundle's CA ConfigMap and each ServerCertificate's pins
        Assert.Equal((1, 1, Listeners, Listeners), (Count("update trustbundles/status"), Count("update clientauthpolicies/status"), Count("update servercertificates/status"), Count("update mtlslisteners/status")));
        Assert.DoesNotContain(fx.Server.Requests.Since(mark), r => r.Call.IsWrite && r.Verb is not ("create" or "update"));

        // Each resource once: the outputs it wrote coming back through the watch do not queue it again.
        Assert.Equal((2 * Listeners) + 2, host.ReconcileCount);
    }

    private static int ReadyListeners(TestKubeApiServer server) =>
        server.Store.Count(MtlsOperatorResources.MtlsListeners, "apps", listener =>
            listener["status"]?["conditions"] is JsonArray conditions
            && conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c["status"] == "True"));
}
