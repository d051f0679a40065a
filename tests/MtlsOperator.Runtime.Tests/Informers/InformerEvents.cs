using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MtlsOperator.Runtime;

namespace MtlsOperator.Runtime.Tests.Informers;

/// <summary>Records what an informer told its handler, as "Added a", "Updated a", "Deleted a".</summary>
internal sealed class InformerEvents<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentQueue<string> _seen = new();

    public InformerEvents(Informer<T> informer) =>
        informer.AddHandler(new ResourceEventHandler<T>
        {
            OnAdded = item => _seen.Enqueue($"Added {item.Name()}"),
            OnUpdated = (_, item) => _seen.Enqueue($"Updated {item.Name()}"),
            OnDeleted = item => _seen.Enqueue($"Deleted {item.Name()}"),
        });

    public IReadOnlyList<string> All => [.. _seen];

    public Task ContainAsync(params string[] expected) =>
        Eventually.TrueAsync(() => expected.All(All.Contains), $"the informer reported {string.Join(", ", expected)} (saw {string.Join(", ", All)})");
}
