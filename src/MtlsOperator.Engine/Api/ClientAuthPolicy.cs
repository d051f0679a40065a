using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s.Models;

namespace MtlsOperator.Engine.Api;

/// <summary>Which client certificates are admitted: a trust bundle plus pins and/or issuer/subject/SAN rules.</summary>
public sealed class ClientAuthPolicy : CustomResource<ClientAuthPolicySpec, ClientAuthPolicyStatus>
{
    public const string KindName = "ClientAuthPolicy";
    public const string Plural = "clientauthpolicies";

    public ClientAuthPolicy() => Kind = KindName;
}

/// <summary>A client is admitted when it chains to the bundle AND matches at least one pin or one rule.</summary>
[ValidationRule("(has(self.pins) ? size(self.pins) : 0) + (has(self.rules) ? size(self.rules) : 0) > 0", "at least one pin or rule is required: an empty policy would admit anyone, so it is refused")]
public sealed class ClientAuthPolicySpec
{
    [Required]
    [JsonPropertyName("trustBundleRef")]
    public ObjectReference TrustBundleRef { get; set; } = new();

    [JsonPropertyName("pins")]
    public List<PinSpec> Pins { get; set; } = [];

    [JsonPropertyName("rules")]
    public List<MatchRuleSpec> Rules { get; set; } = [];

    /// <summary><c>Auto</c> (default: check CRLs when the bundle has any), <c>Required</c> (Ready=False without CRLs) or <c>Disabled</c>.</summary>
    [AllowedValues("Auto", "Required", "Disabled")]
    [JsonPropertyName("revocation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Revocation { get; set; }

    /// <summary>Forward the verified client identity to the upstream in this header; any client-sent copy is removed.</summary>
    [RegularExpression("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    [JsonPropertyName("forwardIdentityHeader")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ForwardIdentityHeader { get; set; }
}

/// <summary>One pin: exactly one of a SHA-1 / SHA-256 certificate thumbprint, an SPKI SHA-256 pin, or the certificate itself.</summary>
[ValidationRule("[has(self.sha1), has(self.sha256), has(self.spkiSha256), has(self.certificate)].filter(x, x).size() == 1", "exactly one of sha1, sha256, spkiSha256 or certificate must be set")]
public sealed class PinSpec
{
    [JsonPropertyName("sha1")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha1 { get; set; }

    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; set; }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo: <c>sha256/BASE64</c>, bare base64 or hex.</summary>
    [JsonPropertyName("spkiSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SpkiSha256 { get; set; }

    /// <summary>The client certificate itself; every pin form is derived from it.</summary>
    [JsonPropertyName("certificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataSource? Certificate { get; set; }

    /// <summary>Free text for people: whose certificate this is.</summary>
    [JsonPropertyName("description")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }
}

/// <summary>A many-to-one rule: every field given must match (issuer and subject as RFC 4514 DNs; <c>*</c> allowed in subject values).</summary>
[ValidationRule("has(self.issuer) || has(self.subject) || has(self.dnsName) || has(self.uri)", "a rule needs at least one of issuer, subject, dnsName or uri")]
public sealed class MatchRuleSpec
{
    /// <summary>RFC 4514 DN of the client certificate's issuer, e.g. <c>CN=Corp Issuing CA,O=Corp</c>. No wildcards: an unescaped
    /// <c>*</c> is refused, and <c>\*</c>, <c>\2A</c> or a quoted <c>"*"</c> is a literal asterisk.</summary>
    [JsonPropertyName("issuer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Issuer { get; set; }

    /// <summary>RFC 4514 DN the client certificate's subject must equal, most specific RDN first. An unescaped <c>*</c> matches any
    /// characters within one attribute value (never a <c>,</c> or <c>+</c> between values); <c>\*</c>, <c>\2A</c> and a quoted
    /// <c>"*"</c> are a literal asterisk. Values compare exactly (case-sensitive); multi-valued RDNs match in any order.</summary>
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    [JsonPropertyName("dnsName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DnsName { get; set; }

    [JsonPropertyName("uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Uri { get; set; }
}

/// <summary>The policy as the operator understood it.</summary>
public sealed class ClientAuthPolicyStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    [JsonPropertyName("pins")]
    public List<NormalizedPinStatus> Pins { get; set; } = [];

    /// <summary>Rules in normalized form, one line each.</summary>
    [JsonPropertyName("rules")]
    public List<string> Rules { get; set; } = [];

    [JsonPropertyName("problems")]
    public List<Problem> Problems { get; set; } = [];

    [JsonPropertyName("revocationChecked")]
    public bool RevocationChecked { get; set; }
}

/// <summary>A pin after normalization.</summary>
public sealed class NormalizedPinStatus
{
    /// <summary><c>sha1</c>, <c>sha256</c> or <c>spki-sha256</c>.</summary>
    [JsonPropertyName("algorithm")]
    public string Algorithm { get; set; } = "";

    /// <summary>Lowercase hex without separators for thumbprints; base64 for SPKI.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";

    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}
