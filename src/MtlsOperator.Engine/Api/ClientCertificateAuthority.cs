using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>A CA whose certificate and key are in a Secret, which issues client certificates and whose CRL the operator signs and publishes.</summary>
public sealed class ClientCertificateAuthority : CustomResource<ClientCertificateAuthoritySpec, ClientCertificateAuthorityStatus>
{
    public const string KindName = "ClientCertificateAuthority";
    public const string Plural = "clientcertificateauthorities";

    public ClientCertificateAuthority() => Kind = KindName;
}

/// <summary>Where the CA's certificate and key are, and how its CRL is published.</summary>
public sealed class ClientCertificateAuthoritySpec
{
    /// <summary>A <c>kubernetes.io/tls</c> Secret in the same namespace: <c>tls.crt</c> the CA certificate (then any chain above it), <c>tls.key</c> its private key.
    /// Whoever may read this Secret may issue in the CA's name: keep it with the platform team.</summary>
    [Required]
    [JsonPropertyName("secretRef")]
    public ObjectReference SecretRef { get; set; } = new();

    /// <summary>How the CRL the operator signs for this CA is published.</summary>
    [JsonPropertyName("crl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CrlPublicationSpec? Crl { get; set; }
}

/// <summary>The CRL the operator maintains for a ClientCertificateAuthority.</summary>
public sealed class CrlPublicationSpec
{
    /// <summary>Name of the ConfigMap written with <c>ca.crl</c> (the CRL, PEM) and <c>ca.crt</c> (the CA certificate); defaults to <c>&lt;name&gt;-crl</c>.
    /// A TrustBundle reads it through <c>spec.crls[].configMap</c> (and <c>spec.sources[].configMap</c> for the CA).</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("configMapName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ConfigMapName { get; set; }

    /// <summary>Hours from thisUpdate to nextUpdate of each CRL. Default 168 (7 days).</summary>
    [Range(1, 8760)]
    [JsonPropertyName("validityHours")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValidityHours { get; set; }

    /// <summary>Hours before nextUpdate at which a fresh CRL is signed, so proxies never hold an expired one. Default: half of validityHours.
    /// Must be less than validityHours.</summary>
    [Range(1, 8760)]
    [JsonPropertyName("refreshBeforeHours")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RefreshBeforeHours { get; set; }
}

/// <summary>The CA and the CRL last published for it.</summary>
public sealed class ClientCertificateAuthorityStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (the CA can issue and its CRL is published and current), Stalled and Reconciling.</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>Subject DN of the CA certificate (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    /// <summary>End of the CA certificate's validity; issued certificates never outlive it.</summary>
    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    /// <summary>Name of the ConfigMap holding the published CRL.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("crlConfigMap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrlConfigMap { get; set; }

    /// <summary>CRL Number (2.5.29.20) of the published CRL, in decimal. It only ever increases.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("crlNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CrlNumber { get; set; }

    /// <summary>When the published CRL was signed.</summary>
    [JsonPropertyName("thisUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ThisUpdate { get; set; }

    /// <summary>When the published CRL expires; the operator signs the next one refreshBeforeHours earlier.</summary>
    [JsonPropertyName("nextUpdate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NextUpdate { get; set; }

    /// <summary>Certificates on the published CRL.</summary>
    [MaxLength(ApiLimits.StatusRevoked)]
    [JsonPropertyName("revoked")]
    public List<RevokedCertificateStatus> Revoked { get; set; } = [];
}

/// <summary>One certificate on a CA's CRL.</summary>
public sealed class RevokedCertificateStatus
{
    /// <summary>Serial number, uppercase hex as <c>openssl crl -text</c> prints it without colons.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("serialNumber")]
    public string SerialNumber { get; set; } = "";

    /// <summary>The CRL entry's reason, in the spelling of IssuedClientCertificate's spec.revocationReason (its RFC 5280 code when it has none).</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("revocationReason")]
    public string RevocationReason { get; set; } = "";

    /// <summary>When it was revoked.</summary>
    [JsonPropertyName("revocationDate")]
    public DateTime RevocationDate { get; set; }

    /// <summary>End of the certificate's validity; the entry leaves the CRL after it. Absent when unknown (then the entry stays).</summary>
    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    /// <summary>The IssuedClientCertificate it was issued for, when known.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("issuedCertificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IssuedCertificate { get; set; }
}
