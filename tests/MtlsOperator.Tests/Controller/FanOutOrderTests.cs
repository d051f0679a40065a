using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>
/// When one shared bundle changes under many listeners, every proxy's config is written before the listeners' statuses that
/// only restate the new contentHash (the first listener's aside, when it finds the queue not yet filled): the proxies wait for
/// N writes, not 2N. Nothing is written twice and no status is
/// left behind. Read from the server's request journal, in order (deterministic, not timed).
/// </summary>
public sealed class FanOutOrderTests
{
    private const int Listeners = 12;
    private static readonly string s_newRootPem = PemExport.Certificate(TestCertificateAuthority.CreateRoot("CN=Fan-out Second Root,O=Test").Certificate);

    [Fact]
    public async Task A_bundle_change_writes_every_dependent_output_before_the_dependent_statuses()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var world = SharedBundleWorld.Seed(fx.Server, Listeners, "Fan-out");
        // One worker: the journal's order is the queue's order.
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { Workers = 1 });
        await WaitAllReadyAsync(fx, host);
        var hashesBefore = ContentHashes(fx.Server);

        var mark = fx.Server.Requests.Mark();
        world.AddToBundle(s_newRootPem);
        await WaitAllStatusesChangedAsync(fx, host, hashesBefore);

        var writes = fx.Server.Requests.WritesSince(mark);
        var journal = string.Join("\n", writes.Select(w => $"{w.Sequence} {w.Call} {w.StatusCode}"));
        var (outputs, statuses) = SucceededListenerWrites(writes);
        Assert.True(outputs.Select(r => r.Call.Name).Distinct().Count() == Listeners && outputs.Count == Listeners, $"each listener's output is written once; writes:\n{journal}");
        Assert.True(statuses.Count == Listeners, $"each listener's status is written once; writes:\n{journal}");
        // The first listener taken can find the queue still empty if the thread queueing the others is descheduled right after
        // queueing it; every other status follows every output. Written one after the other, 11 statuses would precede the last output.
        var lastOutput = outputs.Max(r => r.Sequence);
        Assert.True(statuses.Count(r => r.Sequence < lastOutput) <= 1, $"every output before the statuses (the first listener's aside); writes:\n{journal}");
    }

    [Fact]
    public async Task A_bundle_change_leaves_every_status_current_and_writes_nothing_twice_with_several_workers()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var world = SharedBundleWorld.Seed(fx.Server, Listeners, "Fan-out");
        var host = fx.StartOperator();
        await WaitAllReadyAsync(fx, host);
        var hashesBefore = ContentHashes(fx.Server);

        var mark = fx.Server.Requests.Mark();
        world.AddToBundle(s_newRootPem);
        await WaitAllStatusesChangedAsync(fx, host, hashesBefore);

        // Every status names the hash of the output its listener now has, and each was written once.
        foreach (var (name, hash) in ContentHashes(fx.Server))
        {
            var output = fx.Server.Store.Get(ApiResource.Secrets, "apps", $"{name}-mtls");
            Assert.NotNull(output);
            Assert.Contains(s_newRootPem.Trim(), System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)output!["data"]!["ca.crt"]!)));
            Assert.NotEqual(hashesBefore[name], hash);
        }

        // Counted as stored writes: a second pass evaluated from a cache that has not yet seen its own output may send it once more
        // and be answered 409, which the writer resolves by reading the server's copy (no second write).
        var (outputs, statuses) = SucceededListenerWrites(fx.Server.Requests.WritesSince(mark));
        Assert.Equal(Listeners, outputs.Select(r => r.Call.Name).Distinct().Count());
        Assert.Equal(Listeners, outputs.Count);
        Assert.Equal(Listeners, statuses.Count);
    }

    private static (List<ApiRequestRecord> Outputs, List<ApiRequestRecord> Statuses) SucceededListenerWrites(IEnumerable<ApiRequestRecord> writes)
    {
        var stored = writes.Where(w => w.StatusCode < 300).ToList();
        return ([.. stored.Where(IsListenerOutput)], [.. stored.Where(r => r.Resource == "mtlslisteners" && r.Call.Subresource == "status")]);
    }

    private static bool IsListenerOutput(ApiRequestRecord r) => r.Resource == "secrets" && r.Call.Name is { } n && n.EndsWith("-mtls", StringComparison.Ordinal);

    private static async Task WaitAllReadyAsync(OperatorFixture fx, MtlsOperator.Controller.OperatorHost host)
    {
        await OperatorFixture.Eventually(() => Task.FromResult(ContentHashes(fx.Server).Count == Listeners), "every listener is Ready", TimeSpan.FromSeconds(60));
        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(60));
    }

    private static async Task WaitAllStatusesChangedAsync(OperatorFixture fx, MtlsOperator.Controller.OperatorHost host, IReadOnlyDictionary<string, string> before)
    {
        await OperatorFixture.Eventually(
            () => Task.FromResult(ContentHashes(fx.Server) is var now && now.Count == Listeners && now.All(kv => before[kv.Key] != kv.Value)),
            "every listener's status names its new content", TimeSpan.FromSeconds(60));
        await fx.WaitSettledAsync(host, TimeSpan.FromSeconds(60));
    }

    /// <summary>Ready listeners by name, with the contentHash their status reports.</summary>
    private static Dictionary<string, string> ContentHashes(TestKubeApiServer server) =>
        server.Store.List(MtlsOperatorResources.MtlsListeners, "apps")
            .Where(l => l["status"]?["conditions"] is JsonArray conditions
                && conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c["status"] == "True")
                && l["status"]?["contentHash"] is not null)
            .ToDictionary(l => (string)l["metadata"]!["name"]!, l => (string)l["status"]!["contentHash"]!);
}
