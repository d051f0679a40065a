using System.Text;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Tests.Cli;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>The operator end to end through the real KubernetesClient against the in-process test API server.</summary>
public sealed class OperatorReconcileTests
{
    [Fact]
    public async Task Applied_resources_become_ready_and_the_output_secret_appears()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator();
        var manifests = new ListenerManifests();

        await fx.ApplyAsync(manifests.Yaml());

        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var secret = await fx.TryGetSecretAsync("apps", "agent-mtls");
        Assert.NotNull(secret);
        Assert.Contains("haproxy.cfg", secret.Data.Keys);
        Assert.Contains(CertificateFingerprints.Of(manifests.Client).Sha256, Encoding.UTF8.GetString(secret.Data["haproxy.cfg"]), StringComparison.OrdinalIgnoreCase);
        await fx.WaitReadyAsync("trustbundles", "corp");
        await fx.WaitReadyAsync("servercertificates", "agent");
        await fx.WaitReadyAsync("clientauthpolicies", "controller-only");
    }

    [Fact]
    public async Task Converged_world_is_reconciled_with_zero_writes_even_after_a_restart()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var first = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await OperatorFixture.Eventually(async () => (await fx.TryGetSecretAsync("apps", "agent-mtls")) is not null, "output exists");
        await fx.StopAsync(first);

        var mark = fx.Server.Requests.Mark();
        var second = fx.StartOperator();
        // The restart re-lists all objects and reconciles each of the four at least once.
        await OperatorFixture.Eventually(() => Task.FromResult(second.ReconcileCount >= 4 && second.IsIdle), "restarted operator reconciled everything");

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
    }
}
