namespace MtlsOperator.Engine.Api;

/// <summary>The bounds of the API: the CRD schema (maxItems / maxLength) and the engine's own input limits both read them from here,
/// so what the API server admits and what the engine accepts never disagree. Chosen for real use with headroom, and small enough that
/// the API server's static CEL cost estimate stays far under its budget (docs/api-versioning.md, "Bounds").</summary>
public static class ApiLimits
{
    /// <summary>Certificate sources of one TrustBundle (a corporate PKI has a handful of roots and intermediates).</summary>
    public const int Sources = 64;

    /// <summary>CRL sources of one TrustBundle.</summary>
    public const int Crls = 64;

    /// <summary>CRL URLs one TrustBundle fetches: its <c>url</c> entries and the CRL Distribution Points of its CA certificates together.</summary>
    public const int CrlUrls = 64;

    /// <summary>Pins of one ClientAuthPolicy.</summary>
    public const int Pins = 256;

    /// <summary>Match rules of one ClientAuthPolicy.</summary>
    public const int Rules = 64;

    /// <summary>Path prefixes of one ClientAuthPolicy with rules of their own (spec.paths).</summary>
    public const int Paths = 16;

    /// <summary>One path prefix, e.g. <c>/admin</c>.</summary>
    public const int PathPrefix = 256;

    /// <summary>Hostnames of one ServerCertificate (public CAs stop at 100 SANs).</summary>
    public const int Hostnames = 100;

    /// <summary>ServerCertificates one MtlsListener serves by SNI.</summary>
    public const int ServerCertificateRefs = 32;

    /// <summary>Inline PEM text of one source: 256 KiB holds about 150 CA certificates (a full public root store is about 220 KiB).</summary>
    public const int InlinePem = 256 * 1024;

    /// <summary>A Kubernetes object name (DNS subdomain) or a Secret / ConfigMap key.</summary>
    public const int Name = 253;

    /// <summary>A namespace name (DNS label).</summary>
    public const int Namespace = 63;

    /// <summary>A DNS name, wildcard included.</summary>
    public const int DnsName = 253;

    /// <summary>A pin as pasted: 64 hex digits with separators, a label such as <c>SHA256 Fingerprint=</c>, quotes and spaces.</summary>
    public const int Pin = 256;

    /// <summary>An RFC 4514 distinguished name in a rule or a status.</summary>
    public const int DistinguishedName = 2048;

    /// <summary>A URI SAN in a rule.</summary>
    public const int Uri = 2048;

    /// <summary>An HTTP header name.</summary>
    public const int HeaderName = 256;

    /// <summary>A file-system path in the sidecar.</summary>
    public const int Path = 1024;

    /// <summary>Free text written by people (a pin's description).</summary>
    public const int Description = 1024;

    /// <summary>Short machine words in status: algorithms, roles, reasons.</summary>
    public const int Word = 64;

    /// <summary>A location in a spec written in status, e.g. <c>spec.sources[3].secret</c>.</summary>
    public const int Entry = 256;

    /// <summary>A problem's message; the same bound as a condition message.</summary>
    public const int Message = 32768;

    /// <summary>A hex thumbprint or base64 pin in status, serial numbers included (RFC 5280 caps serials at 20 octets).</summary>
    public const int Digest = 128;

    /// <summary>One normalized rule in status: every field of a rule at its longest, with their labels.</summary>
    public const int StatusRule = 8192;

    /// <summary>Certificates listed in a TrustBundle's status: every source at its most.</summary>
    public const int StatusCertificates = 1024;

    /// <summary>Problems listed in one status.</summary>
    public const int StatusProblems = 1024;

    /// <summary>Normalized pins in a ClientAuthPolicy's status: a certificate pin yields all three forms.</summary>
    public const int StatusPins = Pins * 3;

    /// <summary>Certificates of a served chain listed in a ServerCertificate's status.</summary>
    public const int StatusChain = 16;

    /// <summary>DNS names of the served certificate listed in status.</summary>
    public const int StatusDnsNames = 1000;

    /// <summary>IP and email subjectAltNames of one certificate signing request, each.</summary>
    public const int CsrAddresses = 32;

    /// <summary>An IPv4 or IPv6 address in text form.</summary>
    public const int IpAddress = 45;

    /// <summary>An email address (PKCS #9 ub-emailaddress-length is 255; RFC 5321 caps a path at 254).</summary>
    public const int EmailAddress = 254;

    /// <summary>X.520 ub-common-name (also used for organization and unit names, which X.520 caps at 64).</summary>
    public const int CommonName = 64;

    /// <summary>X.520 ub-locality-name and ub-state-name.</summary>
    public const int Locality = 128;

    /// <summary>A PEM certificate signing request in status: an RSA-4096 request with every hostname at its longest fits.</summary>
    public const int CsrPem = 64 * 1024;

    /// <summary>Key pins published in a ServerCertificate's status: the current and the next key.</summary>
    public const int StatusKeyPins = 2;

    /// <summary>SANs of each kind (DNS names, URIs, email addresses) of one IssuedClientCertificate.</summary>
    public const int IssuedNames = 100;

    /// <summary>Certificates listed in an IssuedClientCertificate's status: the current one and those still in their overlap.</summary>
    public const int StatusIssued = 32;

    /// <summary>Entries of a ClientCertificateAuthority's CRL listed in its status.</summary>
    public const int StatusRevoked = 1024;

    /// <summary>Serial numbers one ClientCertificateRevocation names.</summary>
    public const int RevocationSerials = 64;

    /// <summary>One serial number as a person may write it (hex of up to 20 octets, with colons, spaces or a prefix).</summary>
    public const int SerialText = 128;

    /// <summary>Conditions on one resource.</summary>
    public const int Conditions = 16;
}
