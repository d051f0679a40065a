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
    [JsonPropertyName("sources")]
    public List<DataSource> Sources { get; set; } = [];

    /// <summary>CRLs (PEM or DER), each matched to its issuer in the bundle. One complete CRL per CA is rendered: the highest CRL Number, then the
    /// latest thisUpdate. Delta CRLs are never used in place of their base; CRLs HAProxy and nginx cannot use make the bundle not Ready.</summary>
    [JsonPropertyName("crls")]
    public List<DataSource> Crls { get; set; } = [];

    /// <summary>Name of the ConfigMap written with <c>ca.crt</c>; defaults to <c>&lt;name&gt;-ca</c>.</summary>
    [JsonPropertyName("outputConfigMapName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputConfigMapName { get; set; }
}

/// <summary>What the operator found in a trust bundle.</summary>
public sealed class TrustBundleStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    [JsonPropertyName("certificateCount")]
    public int CertificateCount { get; set; }

    [JsonPropertyName("earliestExpiry")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? EarliestExpiry { get; set; }

    [JsonPropertyName("certificates")]
    public List<TrustedCertificateStatus> Certificates { get; set; } = [];

    [JsonPropertyName("crls")]
    public List<CrlStatus> Crls { get; set; } = [];

    [JsonPropertyName("problems")]
    public List<Problem> Problems { get; set; } = [];

    [JsonPropertyName("outputConfigMap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OutputConfigMap { get; set; }
}

/// <summary>One certificate accepted into the bundle.</summary>
public sealed class TrustedCertificateStatus
{
    /// <summary><c>Root</c> (self-issued, self-signed CA) or <c>Intermediate</c>.</summary>
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";

    [JsonPropertyName("issuer")]
    public string Issuer { get; set; } = "";

    [JsonPropertyName("sha256")]
    public string Sha256 { get; set; } = "";

    [JsonPropertyName("notAfter")]
    public DateTime NotAfter { get; set; }

    /// <summary>The spec entry it came from, e.g. <c>spec.sources[0]</c>.</summary>
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}

/// <summary>The one CRL rendered for a bundle CA: the complete CRL latest in the CA's sequence (CRL Number, then thisUpdate).</summary>
public sealed class CrlStatus
{
    [JsonPropertyName("issuer")]
    public string Issuer { get; set; } = "";

    /// <summary>The CRL Number (2.5.29.20) in decimal, absent when the CRL has none.</summary>
    [JsonPropertyName("crlNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrlNumber { get; set; }

    [JsonPropertyName("thisUpdate")]
    public DateTime ThisUpdate { get; set; }

    [JsonPropertyName("nextUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NextUpdate { get; set; }

    [JsonPropertyName("revokedCount")]
    public int RevokedCount { get; set; }

    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}
