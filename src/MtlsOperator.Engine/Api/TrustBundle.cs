using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Trusted roots and intermediates (and their CRLs) that client certificates are validated against.</summary>
public sealed class TrustBundle : CustomResource<TrustBundleSpec, TrustBundleStatus>
{
    public const string KindName = "TrustBundle";
    public const string Plural = "trustbundles";

    public TrustBundle() => Kind = KindName;
}

/// <summary>Desired trust: certificate sources, CRL sources and the name of the rendered ConfigMap.</summary>
public sealed class TrustBundleSpec
{
    /// <summary>Each source may hold one or many PEM certificates (or one DER certificate).</summary>
    [MaxLength(ApiLimits.Sources)]
    [JsonPropertyName("sources")]
    public List<DataSource> Sources { get; set; } = [];

    /// <summary>CRLs (PEM or DER), each matched to its issuer in the bundle. One complete CRL per CA is rendered: the highest CRL Number, then the
    /// latest thisUpdate. Delta CRLs are never used in place of their base; CRLs HAProxy and nginx cannot use make the bundle not Ready.</summary>
    [MaxLength(ApiLimits.Crls)]
    [JsonPropertyName("crls")]
    public List<DataSource> Crls { get; set; } = [];

    /// <summary>Hours before a CRL's nextUpdate at which the bundle reports <c>CrlExpiringSoon=True</c> and emits a Warning
    /// Event (default 24): once nextUpdate has passed, HAProxy and nginx refuse every client the CRL covers.</summary>
    [Range(1, 8760)]
    [JsonPropertyName("crlExpiryWarningHours")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CrlExpiryWarningHours { get; set; }

    /// <summary>Name of the ConfigMap written with <c>ca.crt</c>; defaults to <c>&lt;name&gt;-ca</c>.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("outputConfigMapName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputConfigMapName { get; set; }
}

/// <summary>What the operator found in a trust bundle.</summary>
public sealed class TrustBundleStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (the ConfigMap holds this generation), Stalled (a change by a person is needed) and Reconciling (waiting for a referenced object).</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>CA certificates accepted into the bundle.</summary>
    [JsonPropertyName("certificateCount")]
    public int CertificateCount { get; set; }

    /// <summary>The earliest notAfter among the accepted CA certificates.</summary>
    [JsonPropertyName("earliestExpiry")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? EarliestExpiry { get; set; }

    /// <summary>Every CA certificate accepted into the bundle.</summary>
    [MaxLength(ApiLimits.StatusCertificates)]
    [JsonPropertyName("certificates")]
    public List<TrustedCertificateStatus> Certificates { get; set; } = [];

    /// <summary>Every CRL matched to an issuer in the bundle.</summary>
    [MaxLength(ApiLimits.Crls)]
    [JsonPropertyName("crls")]
    public List<CrlStatus> Crls { get; set; } = [];

    /// <summary>Entries of the spec that are wrong or suspicious, each with what to change.</summary>
    [MaxLength(ApiLimits.StatusProblems)]
    [JsonPropertyName("problems")]
    public List<Problem> Problems { get; set; } = [];

    /// <summary>Name of the ConfigMap written with ca.crt (and ca.crl).</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("outputConfigMap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputConfigMap { get; set; }
}

/// <summary>One certificate accepted into the bundle.</summary>
public sealed class TrustedCertificateStatus
{
    /// <summary><c>Root</c> (self-issued, self-signed CA) or <c>Intermediate</c>.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    /// <summary>Subject DN (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";

    /// <summary>Issuer DN (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("issuer")]
    public string Issuer { get; set; } = "";

    /// <summary>SHA-256 thumbprint, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha256")]
    public string Sha256 { get; set; } = "";

    /// <summary>End of validity.</summary>
    [JsonPropertyName("notAfter")]
    public DateTime NotAfter { get; set; }

    /// <summary>The spec entry it came from, e.g. <c>spec.sources[0]</c>.</summary>
    [MaxLength(ApiLimits.Entry)]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}

/// <summary>The one CRL rendered for a bundle CA: the complete CRL latest in the CA's sequence (CRL Number, then thisUpdate).</summary>
public sealed class CrlStatus
{
    /// <summary>Issuer DN of the CRL (RFC 4514), a CA of the bundle.</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("issuer")]
    public string Issuer { get; set; } = "";

    /// <summary>The CRL Number (2.5.29.20) in decimal, absent when the CRL has none.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("crlNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrlNumber { get; set; }

    /// <summary>When the CRL was issued.</summary>
    [JsonPropertyName("thisUpdate")]
    public DateTime ThisUpdate { get; set; }

    /// <summary>When the CRL expires; HAProxy and nginx refuse every client of that CA after it.</summary>
    [JsonPropertyName("nextUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NextUpdate { get; set; }

    /// <summary>Revoked certificates listed.</summary>
    [JsonPropertyName("revokedCount")]
    public int RevokedCount { get; set; }

    /// <summary>The spec entry it came from, e.g. <c>spec.crls[0]</c>.</summary>
    [MaxLength(ApiLimits.Entry)]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}
