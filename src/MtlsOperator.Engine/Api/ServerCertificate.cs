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

/// <summary>Hostnames and where the certificate comes from: a <c>kubernetes.io/tls</c> Secret or a self-signed bootstrap.</summary>
[ValidationRule("has(self.secretRef) != has(self.selfSigned)", "exactly one of secretRef or selfSigned must be set")]
public sealed class ServerCertificateSpec
{
    /// <summary>FQDNs the certificate must cover; <c>*.example.com</c> wildcards allowed.</summary>
    [Required]
    [MinLength(1)]
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

    /// <summary>How long before expiry the certificate is reported as expiring soon. Default 30.</summary>
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

    /// <summary><c>ECDSA-P256</c> (default), <c>ECDSA-P384</c> or <c>RSA-2048</c>.</summary>
    [AllowedValues("ECDSA-P256", "ECDSA-P384", "RSA-2048")]
    [JsonPropertyName("keyAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyAlgorithm { get; set; }
}

/// <summary>The certificate in use, as a person checks it.</summary>
public sealed class ServerCertificateStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    [JsonPropertyName("dnsNames")]
    public List<string> DnsNames { get; set; } = [];

    [JsonPropertyName("issuer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Issuer { get; set; }

    [JsonPropertyName("serialNumber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SerialNumber { get; set; }

    [JsonPropertyName("notBefore")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotBefore { get; set; }

    [JsonPropertyName("notAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? NotAfter { get; set; }

    [JsonPropertyName("sha1Thumbprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha1Thumbprint { get; set; }

    [JsonPropertyName("sha256Thumbprint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256Thumbprint { get; set; }

    [JsonPropertyName("selfSigned")]
    public bool SelfSigned { get; set; }

    /// <summary>Subjects from leaf to the last certificate of the chain as written.</summary>
    [JsonPropertyName("chain")]
    public List<string> Chain { get; set; } = [];
}
