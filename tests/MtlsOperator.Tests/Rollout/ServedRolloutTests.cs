using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Tests.Cli;
using MtlsOperator.Tests.Controller;

namespace MtlsOperator.Tests.Rollout;

/// <summary>status.pods and Served follow what injected pods' sidecars report, through the real client and the test API server.</summary>
public sealed class ServedRolloutTests
{
    private const string Old = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private static OperatorOptions Options() => OperatorFixture.TestOptions() with { SidecarPollPeriod = TimeSpan.FromMilliseconds(200), SidecarPollTimeout = TimeSpan.FromSeconds(5) };

    private static Task CreatePodAsync(OperatorFixture fx, string name, int statusPort, string listener = "agent") =>
        InjectedPod.CreateAsync(fx.Client, "apps", name, listener, statusPort);

    private static async Task<string> ContentHashAsync(OperatorFixture fx)
    {
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        string? hash = null;
        await OperatorFixture.Eventually(async () => (hash = (string?)(await fx.StatusAsync("mtlslisteners", "agent"))?["contentHash"]) is not null, "the listener reports its content hash");
        return hash!;
    }

    private static async Task WaitPodsAsync(OperatorFixture fx, int current, int stale, int rejected, int unknown, string served, string reason)
    {
        JsonNode? status = null;
        await OperatorFixture.Eventually(async () =>
        {
            status = await fx.StatusAsync("mtlslisteners", "agent");
            var pods = status?["pods"];
            var condition = status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Served");
            return pods is not null && (int?)pods["current"] == current && (int?)pods["stale"] == stale && (int?)pods["rejected"] == rejected && (int?)pods["unknown"] == unknown
                   && (string?)condition?["status"] == served && (string?)condition?["reason"] == reason;
        }, $"pods {{current {current}, stale {stale}, rejected {rejected}, unknown {unknown}}} and Served={served} ({reason}); last: {status?.ToJsonString()}", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_content_hash_in_status_is_the_hash_of_the_output_secret_written()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator(Options());
        await fx.ApplyAsync(new ListenerManifests().Yaml());

        var hash = await ContentHashAsync(fx);

        var secret = await fx.TryGetSecretAsync("apps", "agent-mtls");
        Assert.Equal(Engine.Serving.OutputContentHash.Of(secret!.Data), hash);
    }

    [Fact]
    public async Task Without_injected_pods_the_listener_is_not_served()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator(Options());
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await ContentHashAsync(fx);

        await WaitPodsAsync(fx, 0, 0, 0, 0, "False", "NoPods");
    }

    [Fact]
    public async Task Pods_move_from_stale_to_current_to_rejected_as_their_sidecars_report()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await using var a = await FakeSidecar.StartAsync();
        await using var b = await FakeSidecar.StartAsync();
        fx.StartOperator(Options());
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        var hash = await ContentHashAsync(fx);
        a.Serve(Old);
        b.Serve(Old);
        await CreatePodAsync(fx, "web-a", a.Port);
        await CreatePodAsync(fx, "web-b", b.Port);

        await WaitPodsAsync(fx, 0, 2, 0, 0, "False", "RollingOut");

        a.Serve(hash);
        await WaitPodsAsync(fx, 1, 1, 0, 0, "False", "RollingOut");

        b.Serve(hash);
        await WaitPodsAsync(fx, 2, 0, 0, 0, "True", "AllPodsServing");

        b.Serve(Old, rejected: hash, error: "[ALERT] parsing [/etc/mtls/haproxy.cfg:12] : unknown keyword 'bogus'");
        await WaitPodsAsync(fx, 1, 0, 1, 0, "False", "Rejected");
        var served = (await fx.StatusAsync("mtlslisteners", "agent"))!["conditions"]!.AsArray().First(c => (string?)c!["type"] == "Served")!;
        Assert.Contains("web-b", (string?)served["message"], StringComparison.Ordinal);
        Assert.Contains("unknown keyword 'bogus'", (string?)served["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sidecar_that_does_not_answer_counts_as_unknown_and_a_deleted_pod_leaves_the_count()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await using var a = await FakeSidecar.StartAsync();
        fx.StartOperator(Options());
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        var hash = await ContentHashAsync(fx);
        a.Serve(hash);
        await CreatePodAsync(fx, "web-a", a.Port);
        await CreatePodAsync(fx, "web-silent", 1);
        await WaitPodsAsync(fx, 1, 0, 0, 1, "False", "RollingOut");

        fx.Server.OutOfBand.Delete(TestApiServer.ApiResource.Pods, "apps", "web-silent");

        await WaitPodsAsync(fx, 1, 0, 0, 0, "True", "AllPodsServing");
    }

    [Fact]
    public async Task A_converged_rollout_issues_no_writes_while_sidecars_keep_reporting()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await using var a = await FakeSidecar.StartAsync();
        var host = fx.StartOperator(Options());
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        var hash = await ContentHashAsync(fx);
        a.Serve(hash);
        await CreatePodAsync(fx, "web-a", a.Port);
        await WaitPodsAsync(fx, 1, 0, 0, 0, "True", "AllPodsServing");
        await OperatorFixture.WaitIdleAsync(host);

        var mark = fx.Server.Requests.Mark();
        // Reload counters move; what is served does not.
        a.Report = a.Report! with { Reloads = 5, LastReloadTime = DateTimeOffset.UtcNow };
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }
}
