using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MtlsOperator.Engine.Api;

/// <summary>Where the CSR flow stands: the request to sign, where its key lives, and a pending renewal.</summary>
public sealed class CsrStatus
{
    /// <summary>The PEM certificate signing request for the current key: give it to the CA while Ready is AwaitingSignedCertificate.</summary>
    [MaxLength(ApiLimits.CsrPem)]
    [JsonPropertyName("request")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Request { get; set; }

    /// <summary>Algorithm of the current key.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("keyAlgorithm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyAlgorithm { get; set; }

    /// <summary>The Secret the operator keeps the keys and requests in (owned; never copy it out of the cluster).</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("keySecretName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeySecretName { get; set; }

    /// <summary>The Kubernetes CertificateSigningRequest submitted for the request, when spec.csr.signingRequest is set.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("signingRequestName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SigningRequestName { get; set; }

    /// <summary>Present once the served certificate is due for renewal: sign this request (for the next key) and bring the
    /// certificate the same way; the current certificate keeps serving until then.</summary>
    [JsonPropertyName("renewal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CsrRenewalStatus? Renewal { get; set; }
}

/// <summary>A renewal in progress: the next key's request and why it is due.</summary>
public sealed class CsrRenewalStatus
{
    /// <summary>The PEM certificate signing request for the next key.</summary>
    [MaxLength(ApiLimits.CsrPem)]
    [JsonPropertyName("request")]
    public string Request { get; set; } = "";

    /// <summary>The served certificate's notAfter that made the renewal due.</summary>
    [JsonPropertyName("currentNotAfter")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? CurrentNotAfter { get; set; }

    /// <summary>The Kubernetes CertificateSigningRequest submitted for the next key, when spec.csr.signingRequest is set.</summary>
    [MaxLength(ApiLimits.Name)]
    [JsonPropertyName("signingRequestName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SigningRequestName { get; set; }
}

/// <summary>The SPKI pin of one key a client may pin the server by.</summary>
public sealed class ServerKeyPin
{
    /// <summary><c>Current</c>: the key of the served certificate (or, before the first is signed, of the pending request);
    /// <c>Next</c>: the key generated ahead for the next certificate, so clients can pin it before the rotation.</summary>
    [AllowedValues(ServerKeyPinRoles.Current, ServerKeyPinRoles.Next)]
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    /// <summary>Algorithm of the key, e.g. <c>ECDSA-P256</c>; <c>Other</c> for a brought key outside the generated vocabulary.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("keyAlgorithm")]
    public string KeyAlgorithm { get; set; } = "";

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo, standard base64 (HPKP <c>pin-sha256</c>, curl <c>--pinnedpubkey sha256//</c>, Envoy).</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("spkiSha256")]
    public string SpkiSha256 { get; set; } = "";

    /// <summary>The same digest as lowercase hex.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("spkiSha256Hex")]
    public string SpkiSha256Hex { get; set; } = "";
}

/// <summary>Roles of a published key pin.</summary>
public static class ServerKeyPinRoles
{
    public const string Current = "Current";
    public const string Next = "Next";
}
