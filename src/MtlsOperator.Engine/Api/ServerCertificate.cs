using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>The server identity presented for one or more FQDNs.</summary>
public sealed class ServerCertificate : CustomResource<ServerCertificateSpec, ServerCertificateStatus>
{
    public const string KindName = "ServerCertificate";
    public const string Plural = "servercertificates";

    public ServerCertificate() => Kind = KindName;
}

/// <summary>Hostnames and where the certificate comes from: a <c>kubernetes.io/tls</c> Secret, a self-signed bootstrap, or a
/// certificate signing request the operator generates with a key it keeps.</summary>
[ExactlyOneOf("secretRef", "selfSigned", "csr")]
public sealed class ServerCertificateSpec
{
    /// <summary>FQDNs the certificate must cover; <c>*.example.com</c> wildcards allowed.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.Hostnames)]
    [Items(MaxLength = ApiLimits.DnsName)]
    [JsonPropertyName("hostnames")]
    public List<string> Hostnames { get; set; } = [];

    /// <summary>A <c>kubernetes.io/tls</c> Secret with <c>tls.crt</c>, <c>tls.key</c> and optionally <c>ca.crt</c>.</summary>
    [JsonPropertyName("secretRef")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObjectReference? SecretRef { get; set; }

    /// <summary>Generate a self-signed certificate for first use; replace it with a real one.</summary>
    [JsonPropertyName("selfSigned")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SelfSignedSpec? SelfSigned { get; set; }

    /// <summary>Generate the private key here and a certificate signing request for a CA to sign; bring back the signed certificate.</summary>
    [JsonPropertyName("csr")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CsrSpec? Csr { get; set; }

    /// <summary>How long before expiry the certificate is reported as expiring soon, and (for selfSigned and csr) renewal starts. Default 30.</summary>
    [Range(0, 3650)]
    [JsonPropertyName("expiryWarningDays")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ExpiryWarningDays { get; set; }
}

/// <summary>Parameters of the self-signed bootstrap certificate.</summary>
public sealed class SelfSignedSpec
{
    /// <summary>Validity in days. Default 90.</summary>
    [Range(1, 3650)]
    [JsonPropertyName("validityDays")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValidityDays { get; set; }

    /// <summary><c>ECDSA-P256</c> (default), <c>ECDSA-P384</c>, <c>RSA-2048</c>, <c>RSA-3072</c> or <c>RSA-4096</c>.</summary>
    [AllowedValues("ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096")]
    [JsonPropertyName("keyAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyAlgorithm { get; set; }
}

/// <summary>The certificate in use, as a person checks it.</summary>
public sealed class ServerCertificateStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (fit to serve), Stalled, Reconciling, and the warnings ExpiringSoon, ChainComplete, SelfSigned and UnusedCertificates.</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>Subject DN of the served certificate (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    /// <summary>DNS name SANs of the served certificate.</summary>
    [MaxLength(ApiLimits.StatusDnsNames)]
    [Items(MaxLength = ApiLimits.DnsName)]
    [JsonPropertyName("dnsNames")]
    public List<string> DnsNames { get; set; } = [];

    /// <summary>Issuer DN of the served certificate (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("issuer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Issuer { get; set; }

    /// <summary>Serial number in hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("serialNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SerialNumber { get; set; }

    /// <summary>Start of validity.</summary>
    [JsonPropertyName("notBefore")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotBefore { get; set; }

    /// <summary>End of validity.</summary>
    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    /// <summary>SHA-1 thumbprint, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha1Thumbprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha1Thumbprint { get; set; }

    /// <summary>SHA-256 thumbprint, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha256Thumbprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256Thumbprint { get; set; }

    /// <summary>True when the served certificate is self-signed (the bootstrap, or a self-signed Secret).</summary>
    [JsonPropertyName("selfSigned")]
    public bool SelfSigned { get; set; }

    /// <summary>Subjects from leaf to the last certificate of the chain as written.</summary>
    [MaxLength(ApiLimits.StatusChain)]
    [Items(MaxLength = ApiLimits.DistinguishedName)]
    [JsonPropertyName("chain")]
    public List<string> Chain { get; set; } = [];

    /// <summary>SPKI pins of the key in use and of the key generated ahead for the next certificate (selfSigned and csr), for
    /// clients that pin the server: pin both and the rotation breaks no client.</summary>
    [MaxLength(ApiLimits.StatusKeyPins)]
    [JsonPropertyName("pins")]
    public List<ServerKeyPin> Pins { get; set; } = [];

    /// <summary>The ConfigMap holding the same pins for client configurations (<c>pins.json</c>, <c>spki-sha256.txt</c>, <c>pinnedpubkey.txt</c>).</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("pinsConfigMapName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PinsConfigMapName { get; set; }

    /// <summary>The CSR flow's state, when spec.csr is set.</summary>
    [JsonPropertyName("csr")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CsrStatus? Csr { get; set; }
}
