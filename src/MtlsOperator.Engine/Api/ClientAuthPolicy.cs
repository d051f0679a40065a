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
[ValidationRule("(has(self.pins) ? size(self.pins) : 0) + (has(self.rules) ? size(self.rules) : 0) + (has(self.paths) ? size(self.paths) : 0) > 0", "at least one pin, rule or path is required: an empty policy would admit anyone, so it is refused")]
public sealed class ClientAuthPolicySpec
{
    /// <summary>The TrustBundle in the same namespace that client certificates must chain to.</summary>
    [Required]
    [JsonPropertyName("trustBundleRef")]
    public ObjectReference TrustBundleRef { get; set; } = new();

    /// <summary>Client certificates admitted by thumbprint, SPKI hash or the certificate itself (any one pin admits).</summary>
    [MaxLength(ApiLimits.Pins)]
    [JsonPropertyName("pins")]
    public List<PinSpec> Pins { get; set; } = [];

    /// <summary>Many-to-one rules on issuer, subject and SANs (any one rule admits).</summary>
    [MaxLength(ApiLimits.Rules)]
    [JsonPropertyName("rules")]
    public List<MatchRuleSpec> Rules { get; set; } = [];

    /// <summary>Different clients per path prefix on the same host and port: a request is decided by the entry with the longest prefix
    /// matching its path (case-insensitive, on a '/' or '.' boundary), else by spec.pins and spec.rules above (with neither, such
    /// requests get 403). The TLS handshake trusts the bundle for every path; a verified client not admitted on the path gets 403; a
    /// path spelled so that apps could read it as another path (//, dot segments, %-escapes of letters, digits, '-._~/\%;' or control
    /// characters, ';', '\') gets 400. See docs/per-path-rules.md.</summary>
    [MaxLength(ApiLimits.Paths)]
    [JsonPropertyName("paths")]
    public List<PathRuleSpec> Paths { get; set; } = [];

    /// <summary><c>Auto</c> (default: check CRLs when the bundle has any), <c>Required</c> (Ready=False without CRLs) or <c>Disabled</c>.</summary>
    [AllowedValues("Auto", "Required", "Disabled")]
    [JsonPropertyName("revocation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Revocation { get; set; }

    /// <summary>Forward the verified client identity to the upstream in this header; any client-sent copy is removed.</summary>
    [MaxLength(ApiLimits.HeaderName)]
    [RegularExpression("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    [JsonPropertyName("forwardIdentityHeader")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ForwardIdentityHeader { get; set; }

    /// <summary>Forward what identifies the verified client certificate: X-Client-Cert-Subject, -Issuer (RFC 2253), -Serial (hex),
    /// -Sha1 and -Sha256 (lowercase hex of the DER certificate; SHA-256 not on nginx) and X-Forwarded-Client-Cert
    /// (<c>Hash=...;Subject="..."</c>, on nginx <c>Cert=...;Subject="..."</c>). Every spelling of them a client sends is removed first.</summary>
    [JsonPropertyName("forwardClientCertificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? ForwardClientCertificate { get; set; }
}

/// <summary>Pins and rules that decide the requests under one path prefix instead of the policy's own; any one pin or rule admits.</summary>
[ValidationRule("(has(self.pins) ? size(self.pins) : 0) + (has(self.rules) ? size(self.rules) : 0) > 0", "a path needs at least one pin or rule")]
public sealed class PathRuleSpec
{
    /// <summary>The path prefix, e.g. <c>/admin</c>: '/'-separated segments of letters, digits and '-._~' (no "." or ".." segment, no
    /// trailing '/'). It covers <c>/admin</c>, <c>/admin/...</c>, <c>/admin.json</c> and any case of them, not <c>/administrator</c>.</summary>
    [Required]
    [MaxLength(ApiLimits.PathPrefix)]
    [RegularExpression("^(/[A-Za-z0-9._~-]+)+$")]
    [JsonPropertyName("prefix")]
    public string Prefix { get; set; } = "";

    /// <summary>Client certificates admitted on this path, as in spec.pins.</summary>
    [MaxLength(ApiLimits.Pins)]
    [JsonPropertyName("pins")]
    public List<PinSpec> Pins { get; set; } = [];

    /// <summary>Rules admitting clients on this path, as in spec.rules.</summary>
    [MaxLength(ApiLimits.Rules)]
    [JsonPropertyName("rules")]
    public List<MatchRuleSpec> Rules { get; set; } = [];
}

/// <summary>One pin: exactly one of a SHA-1 / SHA-256 certificate thumbprint, an SPKI SHA-256 pin, the certificate itself, or an issued certificate by reference.</summary>
[ExactlyOneOf("sha1", "sha256", "spkiSha256", "certificate", "issuedCertificateRef")]
public sealed class PinSpec
{
    /// <summary>SHA-1 thumbprint of the client certificate (40 hex digits; colons, spaces and either case allowed), as printed by <c>openssl x509 -noout -fingerprint -sha1</c>. HAProxy and nginx only.</summary>
    [MaxLength(ApiLimits.Pin)]
    [RegularExpression(PinPatterns.Sha1)]
    [JsonPropertyName("sha1")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha1 { get; set; }

    /// <summary>SHA-256 thumbprint of the client certificate (64 hex digits; colons, spaces and either case allowed), as printed by <c>openssl x509 -noout -fingerprint -sha256</c>. Envoy and HAProxy.</summary>
    [MaxLength(ApiLimits.Pin)]
    [RegularExpression(PinPatterns.Sha256)]
    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sha256 { get; set; }

    /// <summary>SHA-256 of the SubjectPublicKeyInfo: <c>sha256/BASE64</c>, bare base64 or 64 hex digits. Envoy only.</summary>
    [MaxLength(ApiLimits.Pin)]
    [RegularExpression(PinPatterns.SpkiSha256)]
    [JsonPropertyName("spkiSha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SpkiSha256 { get; set; }

    /// <summary>The client certificate itself; every pin form is derived from it.</summary>
    [JsonPropertyName("certificate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataSource? Certificate { get; set; }

    /// <summary>An IssuedClientCertificate in the same namespace: its current certificate, and with its <c>overlap: UntilExpiry</c> the earlier ones
    /// until they expire, so the pin follows renewals. Once revoked, its certificates stay pinned only while this policy checks a CRL of its
    /// CA that lists them (the proxies then refuse them); otherwise they are no longer pinned.</summary>
    [JsonPropertyName("issuedCertificateRef")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ObjectReference? IssuedCertificateRef { get; set; }

    /// <summary>Free text for people: whose certificate this is.</summary>
    [MaxLength(ApiLimits.Description)]
    [JsonPropertyName("description")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }
}

/// <summary>A many-to-one rule: every field given must match (issuer and subject as RFC 4514 DNs; <c>*</c> allowed in subject values).</summary>
[AtLeastOneOf("issuer", "subject", "dnsName", "uri")]
public sealed class MatchRuleSpec
{
    /// <summary>The CA certificate that issued the client certificate, by its RFC 4514 subject, e.g. <c>CN=Corp Issuing CA,O=Corp</c>
    /// (compared as OpenSSL compares names: case and white space aside). It must be a CA of the trust bundle, and the rule means
    /// "issued by that CA": Ready=False (AmbiguousIssuer) when another CA of the bundle could issue a CA of the same name, i.e. has
    /// no pathLenConstraint 0 and no name constraint excluding the name (see docs/rules.md). No wildcards: an unescaped <c>*</c> is
    /// refused; <c>\*</c>, <c>\2A</c> or a quoted <c>"*"</c> is a literal asterisk.</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("issuer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Issuer { get; set; }

    /// <summary>RFC 4514 DN the client certificate's subject must equal, most specific RDN first. An unescaped <c>*</c> matches any
    /// characters within one attribute value (never a <c>,</c> or <c>+</c> between values); <c>\*</c>, <c>\2A</c> and a quoted
    /// <c>"*"</c> are a literal asterisk. Values compare exactly (case-sensitive); multi-valued RDNs match in any order.</summary>
    [MaxLength(ApiLimits.DistinguishedName)]
    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Subject { get; set; }

    /// <summary>A DNS name SAN the client certificate must carry.</summary>
    [MaxLength(ApiLimits.DnsName)]
    [JsonPropertyName("dnsName")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DnsName { get; set; }

    /// <summary>A URI SAN the client certificate must carry (e.g. a SPIFFE ID).</summary>
    [MaxLength(ApiLimits.Uri)]
    [JsonPropertyName("uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Uri { get; set; }
}

/// <summary>The policy as the operator understood it.</summary>
public sealed class ClientAuthPolicyStatus : IResourceStatus
{
    /// <summary>The metadata.generation this status describes; older than metadata.generation while a change is not yet evaluated.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Ready (the policy can be rendered), Stalled (a change by a person is needed) and Reconciling.</summary>
    [MaxLength(ApiLimits.Conditions)]
    [JsonPropertyName("conditions")]
    public List<V1Condition> Conditions { get; set; } = [];

    /// <summary>Every pin in normalized form, certificate pins expanded to each hash.</summary>
    [MaxLength(ApiLimits.StatusPins)]
    [JsonPropertyName("pins")]
    public List<NormalizedPinStatus> Pins { get; set; } = [];

    /// <summary>Rules in normalized form, one line each.</summary>
    [MaxLength(ApiLimits.Rules)]
    [Items(MaxLength = ApiLimits.StatusRule)]
    [JsonPropertyName("rules")]
    public List<string> Rules { get; set; } = [];

    /// <summary>Entries of the spec that are wrong or suspicious, each with what to change.</summary>
    [MaxLength(ApiLimits.StatusProblems)]
    [JsonPropertyName("problems")]
    public List<Problem> Problems { get; set; } = [];

    /// <summary>True when listeners using this policy check client certificates against the bundle's CRLs.</summary>
    [JsonPropertyName("revocationChecked")]
    public bool RevocationChecked { get; set; }
}

/// <summary>A pin after normalization.</summary>
public sealed class NormalizedPinStatus
{
    /// <summary><c>sha1</c>, <c>sha256</c> or <c>spki-sha256</c>.</summary>
    [MaxLength(ApiLimits.Word)]
    [JsonPropertyName("algorithm")]
    public string Algorithm { get; set; } = "";

    /// <summary>Lowercase hex without separators for thumbprints; base64 for SPKI.</summary>
    [MaxLength(ApiLimits.Digest)]
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";

    /// <summary>The spec entry it came from, e.g. <c>spec.pins[0]</c>.</summary>
    [MaxLength(ApiLimits.Entry)]
    [JsonPropertyName("source")]
    public string Source { get; set; } = "";
}
