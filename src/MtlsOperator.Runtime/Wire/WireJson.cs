using System.Text.Json;
using k8s;

namespace MtlsOperator.Runtime.Wire;

/// <summary>The JSON options KubernetesClient serializes with, for the requests this runtime encodes and decodes itself.</summary>
public static class WireJson
{
    /// <summary>KubernetesClient's own instance (<see cref="KubernetesJson.AddJsonOptions"/> hands it over): its converters
    /// (RFC 3339 times, string enums, the Status converter) and resolvers, so that what is written and read here is what the
    /// typed calls would have written and read.</summary>
    public static JsonSerializerOptions Options { get; } = Capture();

    private static JsonSerializerOptions Capture()
    {
        JsonSerializerOptions? options = null;
        KubernetesJson.AddJsonOptions(o => options = o);
        return options ?? throw new InvalidOperationException("KubernetesClient did not hand over its JSON options.");
    }
}
