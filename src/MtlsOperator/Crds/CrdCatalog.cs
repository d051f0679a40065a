using MtlsOperator.Engine.Api;

namespace MtlsOperator.Crds;

/// <summary>The kinds the operator serves and how kubectl shows them.</summary>
internal static class CrdCatalog
{
    public const string Category = "mtls";

    public static IReadOnlyList<CrdKind> Kinds { get; } =
    [
        new(typeof(TrustBundle), TrustBundle.KindName, TrustBundle.Plural, "trustbundle", ["tb"],
            [new("Certificates", "integer", ".status.certificateCount"), new("Expires", "date", ".status.earliestExpiry")]),
        new(typeof(ServerCertificate), ServerCertificate.KindName, ServerCertificate.Plural, "servercertificate", ["servercert", "srvcert"],
            [new("Expires", "date", ".status.notAfter"), new("Self-Signed", "boolean", ".status.selfSigned", Priority: 1), new("SHA-256", "string", ".status.sha256Thumbprint", Priority: 1)]),
        new(typeof(ClientAuthPolicy), ClientAuthPolicy.KindName, ClientAuthPolicy.Plural, "clientauthpolicy", ["cap"],
            [new("Bundle", "string", ".spec.trustBundleRef.name")]),
        new(typeof(MtlsListener), MtlsListener.KindName, MtlsListener.Plural, "mtlslistener", ["ml", "mtlsl"],
            [new("Proxy", "string", ".spec.proxy"), new("Port", "integer", ".spec.listenPort"), new("Served", "string", ".status.conditions[?(@.type==\"Served\")].status"),
             new("Expires", "date", ".status.expires"),
             new("Current", "integer", ".status.pods.current", Priority: 1), new("Stale", "integer", ".status.pods.stale", Priority: 1), new("Rejected", "integer", ".status.pods.rejected", Priority: 1),
             new("Secret", "string", ".status.outputSecret", Priority: 1), new("Live", "integer", ".status.liveGeneration", Priority: 1)]),
        new(typeof(ClientCertificateAuthority), ClientCertificateAuthority.KindName, ClientCertificateAuthority.Plural, "clientcertificateauthority", ["clientca"],
            [new("CRL", "string", ".status.crlNumber"), new("Next-Update", "date", ".status.nextUpdate"), new("Expires", "date", ".status.notAfter", Priority: 1)]),
        new(typeof(IssuedClientCertificate), IssuedClientCertificate.KindName, IssuedClientCertificate.Plural, "issuedclientcertificate", ["issuedcert"],
            [new("Authority", "string", ".spec.authorityRef.name"), new("Revoked", "boolean", ".status.revoked"), new("Expires", "date", ".status.notAfter"),
             new("Serial", "string", ".status.serialNumber", Priority: 1), new("Secret", "string", ".status.secretName", Priority: 1)]),
        new(typeof(ClientCertificateRevocation), ClientCertificateRevocation.KindName, ClientCertificateRevocation.Plural, "clientcertificaterevocation", ["certrevocation"],
            [new("Authority", "string", ".spec.authorityRef.name"), new("Issued", "string", ".spec.issuedCertificateRef.name"), new("CRL-Reason", "string", ".spec.reason", Priority: 1)]),
    ];
}
