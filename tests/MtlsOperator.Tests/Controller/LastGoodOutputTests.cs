using k8s;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>An invalid change never replaces a working output; the status says why and which generation is still live.</summary>
public sealed class LastGoodOutputTests
{
    [Fact]
    public async Task A_listener_switched_to_a_policy_with_a_malformed_pin_keeps_the_last_good_output_byte_for_byte()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var (host, good, mark) = await ConvergedAsync(fx, new ListenerManifests());

        await fx.ApplyAsync(
            Manifests.PinnedPolicy("apps", "typo", "corp", ("sha256", "36:24:9A:not-a-thumbprint")),
            Manifests.Listener("apps", "agent", "agent", "typo"));

        await OperatorFixture.Eventually(async () => (await fx.StatusAsync("mtlslisteners", "agent"))?["observedGeneration"]?.GetValue<long>() == 2, "the new generation is observed");
        await OperatorFixture.WaitIdleAsync(host);
        var status = (await fx.StatusAsync("mtlslisteners", "agent"))!;
        var ready = Ready(status);
        Assert.Equal("False", (string?)ready["status"]);
        Assert.Equal("ClientAuthPolicyNotReady", (string?)ready["reason"]);
        Assert.Equal(2, ready["observedGeneration"]!.GetValue<long>());
        Assert.Equal(1, status["liveGeneration"]!.GetValue<long>());
        Assert.Contains("generation 1", (string?)ready["message"], StringComparison.Ordinal);
        await AssertUnchangedAsync(fx, good, mark);
    }

    [Fact]
    public async Task A_malformed_pin_added_to_the_policy_in_use_keeps_the_last_good_output_and_the_listener_says_why()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var manifests = new ListenerManifests();
        var (host, good, mark) = await ConvergedAsync(fx, manifests);

        // A SHA-1 thumbprint pasted into the sha256 field, as in example 06.
        await fx.ApplyAsync(Manifests.PinnedPolicy("apps", "controller-only", "corp",
            ("sha256", CertificateFingerprints.Of(manifests.Client).Sha256),
            ("sha256", CertificateFingerprints.WithColons(CertificateFingerprints.Of(manifests.Client).Sha1))));

        await fx.WaitReadyAsync("clientauthpolicies", "controller-only", "False");
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await OperatorFixture.WaitIdleAsync(host);
        var status = (await fx.StatusAsync("mtlslisteners", "agent"))!;
        Assert.Equal("ClientAuthPolicyNotReady", (string?)Ready(status)["reason"]);
        Assert.Equal(1, status["liveGeneration"]!.GetValue<long>());
        Assert.Equal(1, status["observedGeneration"]!.GetValue<long>());
        await AssertUnchangedAsync(fx, good, mark);
    }

    [Fact]
    public async Task Fixing_the_input_renders_again_and_the_new_generation_becomes_live()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator();
        var manifests = new ListenerManifests();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.ApplyAsync(Manifests.Listener("apps", "agent", "agent", "missing"));
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");

        var fixedListener = Manifests.Listener("apps", "agent", "agent", "controller-only", proxy: "envoy");
        await fx.ApplyAsync(fixedListener);

        await OperatorFixture.Eventually(async () => (await fx.StatusAsync("mtlslisteners", "agent"))?["liveGeneration"]?.GetValue<long>() == 3, "generation 3 is live");
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var output = await ConvergedOutputAsync(fx, host);
        Assert.Contains("envoy.yaml", output.Data.Keys);
        Assert.Equal("3", output.Metadata.Annotations["mtls-operator.io/generation"]);
    }

    [Fact]
    public async Task Deleting_the_trust_bundle_in_use_keeps_the_last_good_output_and_the_listener_says_why()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var (host, good, mark) = await ConvergedAsync(fx, new ListenerManifests());

        await fx.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "trustbundles", "corp");

        await fx.WaitReadyAsync("clientauthpolicies", "controller-only", "False");
        await fx.WaitReadyAsync("mtlslisteners", "agent", "False");
        await fx.WaitSettledAsync(host);
        Assert.Equal("TrustBundleNotFound", (string?)(await fx.ReadyAsync("clientauthpolicies", "controller-only"))!["reason"]);
        Assert.Equal("ClientAuthPolicyNotReady", (string?)(await fx.ReadyAsync("mtlslisteners", "agent"))!["reason"]);
        await AssertUnchangedAsync(fx, good, mark);
    }

    /// <summary>A running operator that rendered <paramref name="manifests"/>, its output, and a journal mark taken after it.</summary>
    private static async Task<(MtlsOperator.Controller.OperatorHost Host, k8s.Models.V1Secret Good, long Mark)> ConvergedAsync(OperatorFixture fx, ListenerManifests manifests)
    {
        var host = fx.StartOperator();
        await fx.ApplyAsync(manifests.Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var good = await ConvergedOutputAsync(fx, host);
        return (host, good, fx.Server.Requests.Mark());
    }

    private static async Task<k8s.Models.V1Secret> ConvergedOutputAsync(OperatorFixture fx, MtlsOperator.Controller.OperatorHost host)
    {
        await OperatorFixture.WaitIdleAsync(host);
        var output = await fx.TryGetSecretAsync("apps", "agent-mtls");
        Assert.NotNull(output);
        return output;
    }

    private static async Task AssertUnchangedAsync(OperatorFixture fx, k8s.Models.V1Secret good, long mark)
    {
        var now = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Equal(good.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
        Assert.True(OutputOf.SameData(good, now), "the output Secret's data changed");
        Assert.DoesNotContain(fx.Server.Requests.WritesSince(mark), r => r.Resource == "secrets");
    }

    private static JsonNode Ready(JsonNode status) => status["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!;
}
