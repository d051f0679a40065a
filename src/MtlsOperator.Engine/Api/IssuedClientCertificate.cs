using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>A client certificate the operator issues from a ClientCertificateAuthority, renews before expiry and revokes on request.</summary>
public sealed class IssuedClientCertificate : CustomResource<IssuedClientCertificateSpec, IssuedClientCertificateStatus>
{
    public const string KindName = "IssuedClientCertificate";
    public const string Plural = "issuedclientcertificates";

    public IssuedClientCertificate() => Kind = KindName;
}

/// <summary>Who the certificate names, for how long, with which key, where it is written, and whether it is revoked.</summary>
[ValidationRule("!has(self.revocationReason) || (has(self.revoked) && self.revoked)", "revocationReason is only meaningful with revoked: true")]
[ValidationRule("!has(oldSelf.revoked) || !oldSelf.revoked || (has(self.revoked) && self.revoked)",
    "revocation is final: revoked cannot go back to false (create a new IssuedClientCertificate to issue again)")]
public sealed class IssuedClientCertificateSpec
{
    /// <summary>The ClientCertificateAuthority in the same namespace that signs it.</summary>
    [Required]
    [JsonPropertyName("authorityRef")]
    public ObjectReference AuthorityRef { get; set; } = new();

    /// <summary>Subject DN in RFC 4514 form, most specific first, e.g. <c>CN=partner-a,O=Partner A,C=DE</c> (emailAddress allowed).</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    public string Subject { get; set; } = "";

    /// <summary>DNS name SANs.</summary>
    [MaxLength(ApiLimits.IssuedNames)]
    [Items(MaxLength = ApiLimits.DnsName)]
    [JsonPropertyName("dnsNames")]
    public List<string> DnsNames { get; set; } = [];

    /// <summary>URI SANs, e.g. SPIFFE IDs <c>spiffe://partner.example/agent</c>.</summary>
    [MaxLength(ApiLimits.IssuedNames)]
    [Items(MaxLength = ApiLimits.Uri)]
    [JsonPropertyName("uris")]
    public List<string> Uris { get; set; } = [];

    /// <summary>Email address (rfc822Name) SANs.</summary>
    [MaxLength(ApiLimits.IssuedNames)]
    [Items(MaxLength = ApiLimits.DnsName)]
    [JsonPropertyName("emailAddresses")]
    public List<string> EmailAddresses { get; set; } = [];

    /// <summary>Validity in days (never beyond the CA's own notAfter). Default 90.</summary>
    [Range(1, 3650)]
    [JsonPropertyName("validityDays")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValidityDays { get; set; }

    /// <summary>Days before notAfter at which the next certificate is issued. Default: a third of validityDays.</summary>
    [Range(1, 3650)]
    [JsonPropertyName("renewBeforeDays")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RenewBeforeDays { get; set; }

    /// <summary><c>ECDSA-P256</c> (default), <c>ECDSA-P384</c>, <c>RSA-2048</c>, <c>RSA-3072</c> or <c>RSA-4096</c>. Each certificate gets a new key.</summary>
    [AllowedValues("ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096")]
    [JsonPropertyName("keyAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyAlgorithm { get; set; }

    /// <summary>Name of the <c>kubernetes.io/tls</c> Secret written with <c>tls.crt</c> (certificate and chain), <c>tls.key</c>, <c>ca.crt</c>; defaults to <c>&lt;name&gt;-tls</c>.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("secretName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SecretName { get; set; }

    /// <summary>Also write a PKCS#12 file (certificate, chain and key) for Windows and Java clients.</summary>
    [JsonPropertyName("pkcs12")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Pkcs12Spec? Pkcs12 { get; set; }

    /// <summary><c>UntilExpiry</c> (default): after a renewal, a ClientAuthPolicy pinning this certificate by reference admits the previous
    /// certificate too until it expires. <c>None</c>: only the current certificate is admitted.</summary>
    [AllowedValues("UntilExpiry", "None")]
    [JsonPropertyName("overlap")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Overlap { get; set; }

    /// <summary>Revokes the current certificate and every earlier one still valid: their serials go on the CA's CRL, renewal stops. Final.</summary>
    [JsonPropertyName("revoked")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Revoked { get; set; }

    /// <summary>The CRL entry's reason: <c>Unspecified</c> (default), <c>KeyCompromise</c>, <c>AffiliationChanged</c>, <c>Superseded</c>,
    /// <c>CessationOfOperation</c> or <c>PrivilegeWithdrawn</c>.</summary>
    [AllowedValues("Unspecified", "KeyCompromise", "AffiliationChanged", "Superseded", "CessationOfOperation", "PrivilegeWithdrawn")]
    [JsonPropertyName("revocationReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RevocationReason { get; set; }
}

/// <summary>A PKCS#12 file in the output Secret, encrypted with a password from another Secret.</summary>
public sealed class Pkcs12Spec
{
    /// <summary>A key of a Secret in the same namespace holding the password (UTF-8; trailing newline ignored).</summary>
    [Required]
    [JsonPropertyName("passwordSecretRef")]
    public KeyReference PasswordSecretRef { get; set; } = new();

    /// <summary>Key of the file in the output Secret. Default <c>keystore.p12</c>.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("key")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; set; }
}

/// <summary>The certificate issued now, the earlier ones still admitted, and whether they are revoked.</summary>
public sealed class IssuedClientCertificateStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (a current certificate is in the Secret), Stalled and Reconciling.</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>Name of the output Secret.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("secretName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SecretName { get; set; }

    /// <summary>Subject DN of the current certificate (RFC 4514).</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    /// <summary>Serial number of the current certificate, uppercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("serialNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SerialNumber { get; set; }

    /// <summary>End of the current certificate's validity.</summary>
    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    /// <summary>When the next certificate is issued.</summary>
    [JsonPropertyName("renewalTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? RenewalTime { get; set; }

    /// <summary>SHA-256 thumbprint of the current certificate, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha256Thumbprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256Thumbprint { get; set; }

    /// <summary>True once spec.revoked took effect.</summary>
    [JsonPropertyName("revoked")]
    public bool Revoked { get; set; }

    /// <summary>Every certificate of this resource that is still valid: the current one and earlier ones (overlap after renewal).</summary>
    [MaxLength(ApiLimits.StatusIssued)]
    [JsonPropertyName("certificates")]
    public List<IssuedCertificateEntryStatus> Certificates { get; set; } = [];
}

/// <summary>One certificate issued for an IssuedClientCertificate.</summary>
public sealed class IssuedCertificateEntryStatus
{
    /// <summary>Serial number, uppercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("serialNumber")]
    public string SerialNumber { get; set; } = "";

    /// <summary>SHA-256 thumbprint, lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("sha256Thumbprint")]
    public string Sha256Thumbprint { get; set; } = "";

    /// <summary>End of validity.</summary>
    [JsonPropertyName("notAfter")]
    public DateTime NotAfter { get; set; }

    /// <summary><c>Current</c>, <c>Previous</c> (admitted by a pin by reference during the overlap), <c>Retired</c> (overlap None) or <c>Revoked</c>.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("state")]
    public string State { get; set; } = "";
}
