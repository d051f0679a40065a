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
    /// latest thisUpdate. Delta CRLs are never used in place of their base; CRLs HAProxy and nginx cannot use make the bundle not Ready.
    /// A <c>url</c> entry is fetched by the operator and refreshed (see docs/crl-distribution-points.md).</summary>
    [MaxLength(ApiLimits.Crls)]
    [JsonPropertyName("crls")]
    public List<CrlSource> Crls { get; set; } = [];

    /// <summary>Also fetch the CRLs named by the CRL Distribution Points (http and https URIs) of the bundle's CA certificates whose issuer is
    /// in the bundle (an intermediate's points name its root's CRL). Off by default. The CRL of the CA that issues the clients is named in the
    /// client certificates, not in a CA certificate: give it as a <c>url</c> entry of <c>crls</c>.</summary>
    [JsonPropertyName("fetchCrlDistributionPoints")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? FetchCrlDistributionPoints { get; set; }

    /// <summary>Minutes between fetches of each CRL URL (default 60); a CRL is also fetched again well before its nextUpdate, and a failed
    /// fetch is retried sooner, with backoff.</summary>
    [Range(5, 10080)]
    [JsonPropertyName("crlRefreshMinutes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CrlRefreshMinutes { get; set; }

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

    /// <summary>Every CRL URL the bundle fetches (<c>url</c> entries and CRL Distribution Points): the CRL held for it and the last fetch's error. Absent without URLs.</summary>
    [MaxLength(ApiLimits.CrlUrls)]
    [JsonPropertyName("crlFetches")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<CrlFetchStatus>? CrlFetches { get; set; }

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

/// <summary>Where a CRL comes from: exactly one of inline text, a Secret key, a ConfigMap key or a URL the operator fetches.</summary>
[ExactlyOneOf("inline", "secret", "configMap", "url")]
public sealed class CrlSource
{
    /// <summary>PEM text written in the manifest.</summary>
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

    /// <summary>An http or https URL serving one CRL (DER or PEM, at most 1 MiB), e.g. a CRL Distribution Point of the client certificates.
    /// The operator fetches it without credentials, verifies it against its issuer in the bundle, refreshes it and keeps the last good CRL
    /// when a fetch fails; once that CRL has expired the bundle is not Ready (fail closed).</summary>
    [MaxLength(ApiLimits.Uri)]
    [RegularExpression("^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$")]
    [JsonPropertyName("url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; set; }

    /// <summary>A CRL source reading what <paramref name="source"/> points at.</summary>
    public static CrlSource Of(DataSource source) => new() { Inline = source.Inline, Secret = source.Secret, ConfigMap = source.ConfigMap };

    /// <summary>The source as a <see cref="DataSource"/> (inline, Secret or ConfigMap), for the shared reader.</summary>
    public DataSource AsDataSource() => new() { Inline = Inline, Secret = Secret, ConfigMap = ConfigMap };
}

/// <summary>One CRL URL of a bundle: the CRL held for it (verified, kept in the output ConfigMap across restarts) and how its fetches go.
/// Fields change only when the CRL held or the error changes, so refetching an unchanged CRL writes nothing.</summary>
public sealed class CrlFetchStatus
{
    /// <summary>The URL fetched.</summary>
    [MaxLength(ApiLimits.Uri)]
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    /// <summary>Where the URL comes from: <c>spec.crls[N]</c>, or the CA certificate whose CRL Distribution Point names it.</summary>
    [MaxLength(ApiLimits.Entry)]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";

    /// <summary>Issuer DN (RFC 4514) of the CRL held, a CA of the bundle.</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("issuer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Issuer { get; set; }

    /// <summary>The CRL Number of the CRL held, in decimal.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("crlNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrlNumber { get; set; }

    /// <summary>thisUpdate of the CRL held: how old the revocation information is.</summary>
    [JsonPropertyName("thisUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ThisUpdate { get; set; }

    /// <summary>nextUpdate of the CRL held; after it, without a fresh CRL, the bundle is not Ready and the proxies refuse the CA's clients.</summary>
    [JsonPropertyName("nextUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NextUpdate { get; set; }

    /// <summary>SHA-256 of the DER CRL held, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; set; }

    /// <summary>When the CRL held was first received from the URL.</summary>
    [JsonPropertyName("fetchedAt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? FetchedAt { get; set; }

    /// <summary>Why the last fetch gave no usable CRL (HTTP error, timeout, too large, not verified, older than the one held); absent when it gave one.</summary>
    [MaxLength(ApiLimits.Description)]
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; set; }

    /// <summary>Since when fetches of this URL have failed, while they do.</summary>
    [JsonPropertyName("failingSince")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? FailingSince { get; set; }
}
