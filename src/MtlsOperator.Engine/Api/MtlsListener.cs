using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>One mTLS entry point in front of an app, rendered into one Secret for a sidecar proxy.</summary>
public sealed class MtlsListener : CustomResource<MtlsListenerSpec, MtlsListenerStatus>
{
    public const string KindName = "MtlsListener";
    public const string Plural = "mtlslisteners";

    public MtlsListener() => Kind = KindName;
}

/// <summary>Ports, identities, policy and proxy flavour of a listener.</summary>
public sealed class MtlsListenerSpec
{
    /// <summary>The proxy the output is rendered for: <c>Envoy</c>, <c>HAProxy</c> or <c>Nginx</c>. Deprecated: the lowercase
    /// <c>envoy</c>, <c>haproxy</c>, <c>nginx</c>, accepted in v1alpha1 only.</summary>
    [Required]
    [AllowedValues(ProxyNames.Envoy, ProxyNames.HAProxy, ProxyNames.Nginx, ProxyNames.DeprecatedEnvoy, ProxyNames.DeprecatedHAProxy, ProxyNames.DeprecatedNginx)]
    [JsonPropertyName("proxy")]
    public string Proxy { get; set; } = "";

    /// <summary>Port the proxy accepts mutual-TLS connections on. Default 8443.</summary>
    [Range(1, 65535)]
    [JsonPropertyName("listenPort")]
    public int ListenPort { get; set; } = 8443;

    /// <summary>Port of the app the proxy forwards admitted connections to. Default 8080.</summary>
    [Range(1, 65535)]
    [JsonPropertyName("upstreamPort")]
    public int UpstreamPort { get; set; } = 8080;

    /// <summary>Host of the app; default <c>127.0.0.1</c> (the app in the same pod).</summary>
    [MaxLength(ApiLimits.DnsName)]
    [JsonPropertyName("upstreamHost")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? UpstreamHost { get; set; }

    /// <summary>Server identities; SNI picks among them, the first is the default.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.ServerCertificateRefs)]
    [JsonPropertyName("serverCertificateRefs")]
    public List<ObjectReference> ServerCertificateRefs { get; set; } = [];

    /// <summary>The ClientAuthPolicy in the same namespace that decides which clients are admitted.</summary>
    [Required]
    [JsonPropertyName("clientAuthPolicyRef")]
    public ObjectReference ClientAuthPolicyRef { get; set; } = new();

    /// <summary>Where the sidecar mounts the output Secret; paths in the proxy config point here. Default <c>/etc/mtls</c>.</summary>
    [MaxLength(ApiLimits.Path)]
    [RegularExpression("^/[^\\s;\"'{}#]*$")]
    [JsonPropertyName("mountPath")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MountPath { get; set; }

    /// <summary>Re-encrypt to the app: TLS to upstreamHost:upstreamPort, with the upstream's certificate verified against its own
    /// TrustBundle and name. Unset: plain HTTP to the upstream (an app in the same pod).</summary>
    [JsonPropertyName("upstreamTls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UpstreamTlsSpec? UpstreamTls { get; set; }

    /// <summary>Name of the output Secret; defaults to <c>&lt;name&gt;-mtls</c>.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("outputSecretName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputSecretName { get; set; }
}

/// <summary>TLS from the proxy to the upstream: whom to trust, which name to verify, which certificate to present. Verification is
/// never off unless <c>insecureSkipVerify</c> says so in words that cannot be missed; status then carries UpstreamVerified=False.</summary>
[ExactlyOneOf("trustBundleRef", "insecureSkipVerify")]
public sealed class UpstreamTlsSpec
{
    /// <summary>The phrase <see cref="InsecureSkipVerify"/> must hold to turn verification off.</summary>
    public const string InsecureSkipVerifyPhrase = "IUnderstandThisDisablesUpstreamVerification";

    /// <summary>The TrustBundle in the same namespace that the upstream's certificate must chain to (its own trust, not the clients').</summary>
    [JsonPropertyName("trustBundleRef")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObjectReference? TrustBundleRef { get; set; }

    /// <summary>The name sent as SNI and that the upstream's certificate must carry (a DNS name; wildcards in the certificate are
    /// honoured). Default: upstreamHost when it is a DNS name; required when upstreamHost is an IP address.</summary>
    [MaxLength(ApiLimits.DnsName)]
    [JsonPropertyName("serverName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServerName { get; set; }

    /// <summary>A <c>kubernetes.io/tls</c> Secret in the same namespace (<c>tls.crt</c> leaf first, then intermediates; <c>tls.key</c>)
    /// whose certificate the proxy presents to the upstream, for an upstream that itself requires mutual TLS.</summary>
    [JsonPropertyName("clientCertificateSecretRef")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObjectReference? ClientCertificateSecretRef { get; set; }

    /// <summary>Only the exact value <c>IUnderstandThisDisablesUpstreamVerification</c>, instead of trustBundleRef: the proxy then accepts
    /// ANY certificate from the upstream (anyone on the path can read and change the traffic). Status shows UpstreamVerified=False.</summary>
    [AllowedValues(InsecureSkipVerifyPhrase)]
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("insecureSkipVerify")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InsecureSkipVerify { get; set; }
}

/// <summary>Which output is live and whether it is current.</summary>
public sealed class MtlsListenerStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (the output Secret holds this generation), Stalled (a change by a person is needed) and Reconciling (waiting for a referenced object).</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>Name of the Secret the sidecar mounts.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("outputSecret")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputSecret { get; set; }

    /// <summary>The listener generation whose rendering is in the output Secret now.</summary>
    [JsonPropertyName("liveGeneration")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LiveGeneration { get; set; }

    /// <summary>Earliest notAfter among the server certificates in use.</summary>
    [JsonPropertyName("expires")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? Expires { get; set; }

    /// <summary>Content hash ("sha256:...") of the output Secret the operator wrote; sidecars report the hash they serve.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("contentHash")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ContentHash { get; set; }

    /// <summary>The rollout: how many injected pods serve contentHash, an older content, or rejected it (set by the controller).</summary>
    [JsonPropertyName("pods")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ListenerPods? Pods { get; set; }
}

/// <summary>Injected pods of a listener by what their sidecar reports serving.</summary>
public sealed class ListenerPods
{
    /// <summary>Pods whose proxy serves the current content hash.</summary>
    [JsonPropertyName("current")]
    public int Current { get; set; }

    /// <summary>Pods whose proxy still serves an older content (kubelet has not projected the new Secret yet, or a reload is pending).</summary>
    [JsonPropertyName("stale")]
    public int Stale { get; set; }

    /// <summary>Pods whose proxy refused the current content in its own check and keeps serving the previous one.</summary>
    [JsonPropertyName("rejected")]
    public int Rejected { get; set; }

    /// <summary>Pods whose sidecar could not be asked (not running yet, no IP, unreachable, no sidecar).</summary>
    [JsonPropertyName("unknown")]
    public int Unknown { get; set; }
}
