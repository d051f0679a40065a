using k8s;
using k8s.Models;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Controller;

/// <summary>Memory follows the operator's own objects, not the cluster's: unrelated Secrets and ConfigMaps are not cached.</summary>
public sealed class SecretCacheTests
{
    [Fact]
    public async Task Two_thousand_unrelated_secrets_are_not_kept_in_the_operator_cache()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await CreateUnrelatedAsync(fx, "before", 1000);
        var host = fx.StartOperator();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");

        await CreateUnrelatedAsync(fx, "after", 1000);
        await fx.WaitSettledAsync(host);

        var cache = host.Cache!;
        Assert.Equal(["apps/agent-mtls", "apps/agent-tls"], cache.Secrets.Cache.List().Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}").Order());
        // The bundle's CA ConfigMap and the ServerCertificate's pins, both the operator's own.
        Assert.Equal(["apps/agent-pins", "apps/corp-ca"], cache.ConfigMaps.Cache.List().Select(c => $"{c.Metadata.NamespaceProperty}/{c.Metadata.Name}").Order());
    }

    private static async Task CreateUnrelatedAsync(OperatorFixture fx, string prefix, int count)
    {
        var payload = new byte[512];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var ns = "tenant-" + (i % 10);
            await fx.Client.CoreV1.CreateNamespacedSecretAsync(
                new V1Secret { Metadata = new V1ObjectMeta { Name = $"{prefix}-{i}" }, Data = new Dictionary<string, byte[]> { ["blob"] = payload } }, ns, cancellationToken: ct);
            if (i % 10 == 0)
            {
                await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(
                    new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"{prefix}-{i}" }, Data = new Dictionary<string, string> { ["x"] = "y" } }, ns, cancellationToken: ct);
            }
        });
    }
}
