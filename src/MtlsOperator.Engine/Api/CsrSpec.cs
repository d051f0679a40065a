using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MtlsOperator.Engine.Api;

/// <summary>The CSR flow: the operator generates the private key into a Secret it owns (the key never leaves the cluster) and a
/// certificate signing request for the hostnames; a CA signs it and the signed certificate comes back through
/// <c>certificate</c> (or a Kubernetes CertificateSigningRequest when <c>signingRequest</c> is set).</summary>
[ValidationRule("!(has(self.certificate) && has(self.signingRequest))",
    "set at most one of certificate (you bring the signed certificate) or signingRequest (a Kubernetes signer returns it)")]
[ValidationRule("!has(self.singleDnsName) || !self.singleDnsName || ((!has(self.ipAddresses) || size(self.ipAddresses) == 0) && (!has(self.emailAddresses) || size(self.emailAddresses) == 0))",
    "singleDnsName requests exactly one DNS name and nothing else: remove ipAddresses and emailAddresses")]
public sealed class CsrSpec
{
    /// <summary>Subject of the request. Default: <c>CN=</c> the first hostname (when it fits in 64 characters).</summary>
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CsrSubject? Subject { get; set; }

    /// <summary>IP address subjectAltNames requested besides the hostnames' DNS names.</summary>
    [MaxLength(ApiLimits.CsrAddresses)]
    [Items(MaxLength = ApiLimits.IpAddress)]
    [JsonPropertyName("ipAddresses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? IpAddresses { get; set; }

    /// <summary>Email (rfc822Name) subjectAltNames requested besides the hostnames' DNS names.</summary>
    [MaxLength(ApiLimits.CsrAddresses)]
    [Items(MaxLength = ApiLimits.EmailAddress)]
    [JsonPropertyName("emailAddresses")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? EmailAddresses { get; set; }

    /// <summary>Request exactly one DNS name, as some signing portals require: spec.hostnames must hold one name, which becomes
    /// the common name and the only subjectAltName. Default false (every hostname is a DNS subjectAltName).</summary>
    [JsonPropertyName("singleDnsName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? SingleDnsName { get; set; }

    /// <summary><c>ECDSA-P256</c> (default), <c>ECDSA-P384</c>, <c>RSA-2048</c>, <c>RSA-3072</c> or <c>RSA-4096</c>. Changing it
    /// generates new keys and a new request; the current certificate keeps serving until one for the new key is brought.</summary>
    [AllowedValues("ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072", "RSA-4096")]
    [JsonPropertyName("keyAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyAlgorithm { get; set; }

    /// <summary>The signed certificate, PEM (leaf first, then intermediates; the root may be left out): inline, or a key of a
    /// Secret or ConfigMap in the same namespace. Unset until the CA has signed status.csr.request.</summary>
    [JsonPropertyName("certificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataSource? Certificate { get; set; }

    /// <summary>Intermediate CA certificates to serve after the signed certificate, when the CA returns them separately.</summary>
    [JsonPropertyName("chain")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataSource? Chain { get; set; }

    /// <summary>Submit the request as a Kubernetes <c>certificates.k8s.io/v1</c> CertificateSigningRequest for this signer, so an
    /// in-cluster signer (or a person running <c>kubectl certificate approve</c>) signs it; the operator reads the certificate back.</summary>
    [JsonPropertyName("signingRequest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CsrSigningRequestSpec? SigningRequest { get; set; }
}

/// <summary>Subject attributes of the request; each is one value, as signing portals expect.</summary>
public sealed class CsrSubject
{
    /// <summary>CN. Default: the first hostname when it fits in 64 characters.</summary>
    [MaxLength(ApiLimits.CommonName)]
    [JsonPropertyName("commonName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CommonName { get; set; }

    /// <summary>O, e.g. <c>Example Corp</c>.</summary>
    [MaxLength(ApiLimits.CommonName)]
    [JsonPropertyName("organization")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Organization { get; set; }

    /// <summary>OU, e.g. <c>Payments</c>.</summary>
    [MaxLength(ApiLimits.CommonName)]
    [JsonPropertyName("organizationalUnit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrganizationalUnit { get; set; }

    /// <summary>L, the city.</summary>
    [MaxLength(ApiLimits.Locality)]
    [JsonPropertyName("locality")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Locality { get; set; }

    /// <summary>ST, the state or province, spelled out.</summary>
    [MaxLength(ApiLimits.Locality)]
    [JsonPropertyName("state")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; set; }

    /// <summary>C, the two-letter ISO 3166 country code, e.g. <c>US</c>.</summary>
    [RegularExpression("^[A-Z]{2}$")]
    [MaxLength(2)]
    [JsonPropertyName("country")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Country { get; set; }

    /// <summary>emailAddress (PKCS #9) in the subject, e.g. the team mailbox a CA's portal asks for.</summary>
    [MaxLength(ApiLimits.EmailAddress)]
    [JsonPropertyName("emailAddress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EmailAddress { get; set; }
}

/// <summary>A Kubernetes CertificateSigningRequest the operator creates for the request.</summary>
public sealed class CsrSigningRequestSpec
{
    /// <summary>The signer, e.g. <c>example.com/corp-ca</c> (an in-cluster signer's name). Kubernetes' own
    /// <c>kubernetes.io/kubelet-serving</c> signs only kubelet certificates and is refused.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(ApiLimits.Name)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[-A-Za-z0-9_.]+$")]
    [JsonPropertyName("signerName")]
    public string SignerName { get; set; } = "";

    /// <summary>Requested validity in seconds (the signer may shorten it); at least 600. Default: the signer's.</summary>
    [Range(600, 315360000)]
    [JsonPropertyName("expirationSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ExpirationSeconds { get; set; }
}
