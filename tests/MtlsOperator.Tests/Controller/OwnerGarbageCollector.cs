using k8s;
using k8s.Models;
using TestApiServer;

namespace MtlsOperator.Tests.Controller;

/// <summary>
/// What kube-controller-manager's garbage collector would do, which the test API server does not: deletes the
/// Secrets and ConfigMaps of a namespace whose controlling owner no longer exists.
/// </summary>
internal static class OwnerGarbageCollector
{
    /// <summary>Deletes the orphaned dependents; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> CollectAsync(OperatorFixture fx, string ns)
    {
        var owners = MtlsOperatorResources.All
            .SelectMany(r => fx.Server.Store.List(r, ns))
            .Select(o => (string?)o["metadata"]!["uid"])
            .ToHashSet();
        bool Orphaned(V1ObjectMeta meta) => meta.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner && !owners.Contains(owner.Uid);

        var collected = new List<string>();
        foreach (var secret in (await fx.Client.CoreV1.ListNamespacedSecretAsync(ns)).Items.Where(s => Orphaned(s.Metadata)))
        {
            await fx.Client.CoreV1.DeleteNamespacedSecretAsync(secret.Metadata.Name, ns);
            collected.Add("Secret/" + secret.Metadata.Name);
        }

        foreach (var configMap in (await fx.Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items.Where(c => Orphaned(c.Metadata)))
        {
            await fx.Client.CoreV1.DeleteNamespacedConfigMapAsync(configMap.Metadata.Name, ns);
            collected.Add("ConfigMap/" + configMap.Metadata.Name);
        }

        return collected;
    }
}
