using k8s;
using MtlsOperator.Controller;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>What one process saves of its converged reconciles is what the next one finds: an unchanged world is answered without
/// evaluating and without writing; anything changed meanwhile is evaluated as before.</summary>
public sealed class ConvergedSaveTests
{
    private static readonly HttpClient s_http = new();

    public static TheoryData<string> Examples => new()
    {
        "01-pinned-agent",
        "02-many-to-one-corporate",
        "03-partner-two-way-ssl",
        "04-multi-tenant-sni",
        "05-self-signed-bootstrap",
        "06-broken-pin-in-wrong-field",
    };

    [Fact]
    public async Task A_restarted_operator_answers_an_unchanged_world_from_what_its_predecessor_saved_and_writes_nothing()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await ConvergedThenStoppedAsync(fx, new ListenerManifests());

        var mark = fx.Server.Requests.Mark();
        var second = fx.StartOperator();
        // Bundle, certificate, policy and listener: each answered from the saved reconciles.
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsIdle && second.ConvergedRecalls >= 4), "every resource was recalled");
        Assert.Equal(0, second.Reuse?.CertificatesEvaluated);
        await fx.StopAsync(second);

        // Neither the restart nor its stop wrote: the saved reconciles it recalled are the ones it would save.
        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }

    [Fact]
    public async Task A_tls_secret_renewed_while_the_operator_was_down_is_served_after_the_restart()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var manifests = new ListenerManifests();
        await ConvergedThenStoppedAsync(fx, manifests);

        var renewed = manifests.Root.IssueServer("agent.example.com");
        await fx.ApplyAsync(Manifests.TlsSecret("apps", "agent-tls", renewed));
        fx.StartOperator();

        await fx.WaitServedAsync(renewed, "the renewed certificate is served", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_output_edited_while_the_operator_was_down_is_put_back_after_the_restart()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await ConvergedThenStoppedAsync(fx, new ListenerManifests());
        var good = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;

        var edited = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        edited.Data["tls.crt"] = [.. edited.Data["tls.crt"][..^1], (byte)(edited.Data["tls.crt"][^1] ^ 1)];
        await fx.Client.CoreV1.ReplaceNamespacedSecretAsync(edited, "agent-mtls", "apps");
        fx.StartOperator();

        await OperatorFixture.Eventually(
            async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && OutputOf.SameData(s, good), "the operator put tls.crt back");
    }

    [Fact]
    public async Task What_an_operator_with_other_options_saved_is_not_taken()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await ConvergedThenStoppedAsync(fx, new ListenerManifests());

        var other = fx.StartOperator(OperatorFixture.TestOptions() with { SigningRequestSigners = ["example.com/other"] });
        await fx.WaitSettledAsync(other);

        Assert.Equal(0, other.ConvergedRecalls);
        Assert.True(other.Reuse?.CertificatesEvaluated > 0);
    }

    [Fact]
    public async Task What_was_saved_while_idle_is_taken_when_the_stop_could_not_save()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var first = fx.StartOperator(OperatorFixture.TestOptions() with { ConvergedSavePeriod = TimeSpan.FromMilliseconds(100) });
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);
        // Every resource's record as it now stands, not merely the first save's: an idle moment between the first reconciles saves
        // a part, or records that later reconciles replaced.
        await OperatorFixture.Eventually(async () => first.ConvergedFingerprints.Count >= 4 && (await SavedFingerprintsAsync(fx)).IsSupersetOf(first.ConvergedFingerprints.Values),
            "the idle operator saved every converged reconcile");

        // A crash, as far as the next process can tell: the stop's save never reaches the server.
        fx.TrafficOf(first).Partitioned = true;
        await fx.StopAsync(first);
        var second = fx.StartOperator();

        await OperatorFixture.Eventually(() => Task.FromResult(second.IsIdle && second.ConvergedRecalls >= 4), "every resource was recalled");
    }

    [Fact]
    public async Task A_recalled_resource_publishes_the_gauges_an_evaluation_would()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var options = OperatorFixture.TestOptions() with { HealthPort = 0, HealthAddress = "127.0.0.1" };
        var first = fx.StartOperator(options);
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);
        var evaluated = await GaugesAsync(first);
        await fx.StopAsync(first);

        var second = fx.StartOperator(options);
        await OperatorFixture.Eventually(() => Task.FromResult(second.IsIdle && second.ConvergedRecalls >= 4), "every resource was recalled");

        Assert.Contains("mtls_operator_certificate_expiration_timestamp_seconds{", evaluated);
        Assert.Equal(evaluated, await GaugesAsync(second));
    }

    /// <summary>The differential oracle of remembering a reconcile that wrote: the fingerprints one process predicted for the states its
    /// writes left are exactly those an operator that saves and reads nothing finds converged, by evaluating every resource and writing
    /// nothing.</summary>
    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Every_state_a_reconcile_left_is_one_an_evaluation_finds_converged(string example)
    {
        await using var fx = await OperatorFixture.StartAsync();
        var first = fx.StartOperator();
        await ExampleFolder.ApplyAsync(fx, example);
        await fx.WaitSettledAsync(first);
        await OperatorFixture.Eventually(() => Task.FromResult(first.IsIdle), "the first operator is idle");
        var predicted = first.ConvergedFingerprints;
        await fx.StopAsync(first);
        Assert.NotEmpty(predicted);

        var mark = fx.Server.Requests.Mark();
        var evaluating = fx.StartOperator(OperatorFixture.TestOptions() with { ConvergedSavePeriod = null });
        await fx.WaitSettledAsync(evaluating);

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
        var found = evaluating.ConvergedFingerprints;
        Assert.Equal(predicted.Keys.Select(k => k.ToString()).Order(), found.Keys.Select(k => k.ToString()).Order());
        Assert.All(predicted, p => Assert.True(found[p.Key] == p.Value, $"{p.Key}: predicted {p.Value:x}, evaluated {found[p.Key]:x}"));
    }

    private static async Task ConvergedThenStoppedAsync(OperatorFixture fx, ListenerManifests manifests)
    {
        var first = fx.StartOperator();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);
        await fx.StopAsync(first);
    }

    private static async Task<IReadOnlyList<string>> SavedShardsAsync(OperatorFixture fx) =>
        [.. (await fx.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system", labelSelector: $"{ConvergedStore.ComponentLabel}={ConvergedStore.Component}")).Items.Select(c => c.Metadata.Name)];

    private static async Task<HashSet<UInt128>> SavedFingerprintsAsync(OperatorFixture fx) =>
        [.. (await fx.Client.CoreV1.ListNamespacedConfigMapAsync("kube-system", labelSelector: $"{ConvergedStore.ComponentLabel}={ConvergedStore.Component}")).Items
            .SelectMany(c => c.BinaryData?.TryGetValue(ConvergedStore.DataKey, out var data) == true ? ConvergedStore.Decode(data) : [])
            .Select(e => e.Fingerprint)];

    private static async Task<string> GaugesAsync(OperatorHost host)
    {
        var text = await s_http.GetStringAsync(host.ProbeUrl + "/metrics?family=mtls_operator_certificate_expiration_timestamp_seconds&family=mtls_operator_resource_ready_status&family=mtls_operator_crl_next_update_timestamp_seconds");
        return string.Join('\n', text.Split('\n').Where(l => l.StartsWith("mtls_operator_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }
}
