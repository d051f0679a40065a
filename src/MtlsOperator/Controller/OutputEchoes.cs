using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MtlsOperator.Controller.Caching;

namespace MtlsOperator.Controller;

/// <summary>
/// The outputs this operator is writing, by content, so the watch event each write causes (its echo) does not queue the
/// owner again: the owner already knows that state, and a second reconcile of it would change nothing.
/// </summary>
/// <remarks>Compared by <see cref="OutputDigest"/>, as the cache may keep an output as a digest only. Recorded before the write is sent, because the watch event can be dispatched before the write's response is
/// read. An event is an echo when the object holds exactly the data, labels, annotations and owner this operator last asked
/// for; anything else (an edit, a deletion, a stale write) still reaches the owner. Bounded by <see cref="Capacity"/>.</remarks>
internal sealed class OutputEchoes
{
    public const int Capacity = 100_000;

    private readonly ConcurrentDictionary<(string Kind, string Namespace, string Name), Expected> _expected = new();

    /// <summary>Remembers what is about to be written.</summary>
    public void Expect(IKubernetesObject<V1ObjectMeta> desired)
    {
        if (_expected.Count >= Capacity)
        {
            _expected.Clear();
        }

        _expected[KeyOf(desired)] = new Expected(ContentHash(desired), desired.Metadata);
    }

    /// <summary>True (once) when <paramref name="seen"/> is exactly the latest content this operator wrote to it.</summary>
    public bool IsEcho(IKubernetesObject<V1ObjectMeta> seen)
    {
        var key = KeyOf(seen);
        return _expected.TryGetValue(key, out var expected)
            && expected.Hash == ContentHash(seen)
            && Contains(seen.Metadata.Labels, expected.Metadata.Labels)
            && Contains(seen.Metadata.Annotations, expected.Metadata.Annotations)
            && (expected.Metadata.OwnerReferences ?? []).All(d => (seen.Metadata.OwnerReferences ?? []).Any(l => l.Uid == d.Uid && l.Controller == d.Controller))
            && _expected.TryRemove(new KeyValuePair<(string, string, string), Expected>(key, expected));
    }

    // By C# type: objects from a typed list carry no kind.
    private static (string, string, string) KeyOf(IKubernetesObject<V1ObjectMeta> o) =>
        (o is V1Secret ? V1Secret.KubeKind : V1ConfigMap.KubeKind, o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

    private static string ContentHash(IKubernetesObject<V1ObjectMeta> o) => o switch
    {
        V1Secret secret => OutputDigest.Of(secret),
        V1ConfigMap configMap => OutputDigest.Of(configMap),
        _ => "",
    };

    private static bool Contains(IDictionary<string, string>? live, IDictionary<string, string>? desired) =>
        (desired ?? new Dictionary<string, string>()).All(d => live is not null && live.TryGetValue(d.Key, out var v) && v == d.Value);

    private sealed record Expected(string Hash, V1ObjectMeta Metadata);
}
