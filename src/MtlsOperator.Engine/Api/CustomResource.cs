using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Common shape of the operator's custom resources: metadata, spec and status.</summary>
public abstract class CustomResource<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<TStatus?>
    where TSpec : new()
{
    /// <summary>API group of every kind the operator serves.</summary>
    public const string Group = "mtls-operator.io";

    /// <summary>The one served version.</summary>
    public const string Version = "v1alpha1";

    /// <summary><c>group/version</c> as written in manifests.</summary>
    public const string GroupVersion = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TStatus? Status { get; set; }
}

/// <summary>A reference to another object in the same namespace. <c>namespace</c> exists only so a cross-namespace attempt can be refused by name.</summary>
public sealed class ObjectReference
{
    [Required]
    [MinLength(1)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("namespace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Namespace { get; set; }
}

/// <summary>A key inside a Secret or ConfigMap in the same namespace.</summary>
public sealed class KeyReference
{
    [Required]
    [MinLength(1)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [Required]
    [MinLength(1)]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    [JsonPropertyName("namespace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Namespace { get; set; }
}

/// <summary>Where PEM (or DER) material comes from: exactly one of inline text, a Secret key or a ConfigMap key.</summary>
[ValidationRule("[has(self.inline), has(self.secret), has(self.configMap)].filter(x, x).size() == 1", "exactly one of inline, secret or configMap must be set")]
public sealed class DataSource
{
    [JsonPropertyName("inline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Inline { get; set; }

    [JsonPropertyName("secret")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KeyReference? Secret { get; set; }

    [JsonPropertyName("configMap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KeyReference? ConfigMap { get; set; }
}

/// <summary>One thing wrong with one entry of a spec, reported in status so a person can fix that entry.</summary>
public sealed class Problem
{
    /// <summary>JSON-path-like location of the entry, e.g. <c>spec.pins[2]</c>.</summary>
    [JsonPropertyName("entry")]
    public string Entry { get; set; } = "";

    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
