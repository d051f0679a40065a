using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime;

/// <summary>The list envelope of a custom kind, for typed deserialization of list responses.</summary>
public sealed class CustomResourceList<T> : IItems<T>, IMetadata<V1ListMeta>
    where T : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
