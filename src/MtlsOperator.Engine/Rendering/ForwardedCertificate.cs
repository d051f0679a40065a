using System.Collections.Immutable;

namespace MtlsOperator.Engine.Rendering;

/// <summary>The request headers describing the verified client certificate to the upstream when a policy sets
/// <c>forwardClientCertificate</c>. Every one is first removed from client input (see <see cref="IdentityHeaders"/>), so the
/// upstream sees only what the proxy set; a header a proxy cannot fill is removed and not set.</summary>
public static class ForwardedCertificate
{
    /// <summary>Subject DN, RFC 2253 as OpenSSL prints it.</summary>
    public const string Subject = "X-Client-Cert-Subject";

    /// <summary>Issuer DN, RFC 2253.</summary>
    public const string Issuer = "X-Client-Cert-Issuer";

    /// <summary>Serial number in hex (HAProxy and nginx: uppercase; Envoy: lowercase; compare case-insensitively).</summary>
    public const string Serial = "X-Client-Cert-Serial";

    /// <summary>SHA-1 of the DER certificate, lowercase hex.</summary>
    public const string Sha1 = "X-Client-Cert-Sha1";

    /// <summary>SHA-256 of the DER certificate, lowercase hex (HAProxy and Envoy; stock nginx cannot compute it).</summary>
    public const string Sha256 = "X-Client-Cert-Sha256";

    /// <summary>XFCC-style summary: <c>Hash=&lt;sha256&gt;;Subject="&lt;dn&gt;"</c> (HAProxy, Envoy) or, on nginx,
    /// <c>Cert=&lt;URL-encoded PEM&gt;;Subject="&lt;dn&gt;"</c>.</summary>
    public const string Xfcc = "X-Forwarded-Client-Cert";

    /// <summary>Every header above, in a stable order.</summary>
    public static readonly ImmutableArray<string> Headers = [Subject, Issuer, Serial, Sha1, Sha256, Xfcc];
}
