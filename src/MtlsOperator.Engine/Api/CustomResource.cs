using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Common shape of the operator's custom resources: metadata, spec and status.</summary>
public abstract class CustomResource<TSpec, TStatus> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<TStatus?>, IOperatorResource
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

    // Explicit, so they are no properties of the API type (schemas and serializers see only the public ones above).
    object? IOperatorResource.SpecValue => Spec;

    object? IOperatorResource.StatusValue => Status;
}

/// <summary>A reference to another object in the same namespace. <c>namespace</c> exists only so a cross-namespace attempt can be refused by name.</summary>
public sealed class ObjectReference
{
    /// <summary>Name of the object, in the namespace of the referring resource.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Leave unset. A value other than the resource's own namespace is refused (CrossNamespaceReference): references never cross namespaces.</summary>
    [MaxLength(ApiLimits.Namespace)]
    [JsonPropertyName("namespace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Namespace { get; set; }
}

/// <summary>A key inside a Secret or ConfigMap in the same namespace.</summary>
public sealed class KeyReference
{
    /// <summary>Name of the Secret or ConfigMap, in the namespace of the referring resource.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>Key inside its data, e.g. <c>ca.crt</c>.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("key")]
    public string Key { get; set; } = "";

    /// <summary>Leave unset. A value other than the resource's own namespace is refused (CrossNamespaceReference): references never cross namespaces.</summary>
    [MaxLength(ApiLimits.Namespace)]
    [JsonPropertyName("namespace")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Namespace { get; set; }
}

/// <summary>Where PEM (or DER) material comes from: exactly one of inline text, a Secret key or a ConfigMap key.</summary>
[ExactlyOneOf("inline", "secret", "configMap")]
public sealed class DataSource
{
    /// <summary>PEM text written in the manifest (public material only: a private key here is reported and never used).</summary>
    [MaxLength(ApiLimits.InlinePem)]
    [JsonPropertyName("inline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Inline { get; set; }

    /// <summary>A key of a Secret in the same namespace.</summary>
    [JsonPropertyName("secret")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KeyReference? Secret { get; set; }

    /// <summary>A key of a ConfigMap in the same namespace.</summary>
    [JsonPropertyName("configMap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KeyReference? ConfigMap { get; set; }
}

/// <summary>One thing wrong with one entry of a spec, reported in status so a person can fix that entry.</summary>
public sealed class Problem
{
    /// <summary>JSON-path-like location of the entry, e.g. <c>spec.pins[2]</c>.</summary>
    [MaxLength(ApiLimits.Entry)]
    [JsonPropertyName("entry")]
    public string Entry { get; set; } = "";

    /// <summary>A CamelCase word naming what is wrong, e.g. <c>DuplicatePin</c>.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("reason")]
    public string Reason { get; set; } = "";

    /// <summary>What is wrong and what to change, for people.</summary>
    [MaxLength(ApiLimits.Message)]
    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
