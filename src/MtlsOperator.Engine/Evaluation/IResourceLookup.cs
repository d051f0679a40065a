using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Read-only view of the world the engine evaluates against: the controller's cache or the CLI's input files.</summary>
public interface IResourceLookup
{
    V1Secret? FindSecret(string @namespace, string name);

    V1ConfigMap? FindConfigMap(string @namespace, string name);

    /// <summary>The <see cref="Serving.OutputContentHash"/> of a Secret found here (null when it holds no data). A lookup may keep
    /// an output it owns as this hash alone (the controller's cache does), so the engine asks here rather than hashing the data.</summary>
    string? ContentHashOf(V1Secret secret) => IResourceLookupDefaults.ContentHashOf(secret);

    TrustBundle? FindTrustBundle(string @namespace, string name);

    ServerCertificate? FindServerCertificate(string @namespace, string name);

    ClientAuthPolicy? FindClientAuthPolicy(string @namespace, string name);

    /// <summary>A ClientCertificateAuthority; none where the lookup does not hold them.</summary>
    ClientCertificateAuthority? FindClientCertificateAuthority(string @namespace, string name) => null;

    /// <summary>An IssuedClientCertificate; none where the lookup does not hold them.</summary>
    IssuedClientCertificate? FindIssuedClientCertificate(string @namespace, string name) => null;

    /// <summary>Every IssuedClientCertificate of a namespace (a CA's CRL lists the revoked ones that name it), in a stable order.</summary>
    IReadOnlyList<IssuedClientCertificate> IssuedClientCertificatesIn(string @namespace) => [];

    /// <summary>Every ClientCertificateRevocation of a namespace (CAs list what they revoke), in a stable order.</summary>
    IReadOnlyList<ClientCertificateRevocation> ClientCertificateRevocationsIn(string @namespace) => [];
}

/// <summary>What <see cref="IResourceLookup"/>'s default members compute, for lookups that override them to fall back on.</summary>
public static class IResourceLookupDefaults
{
    /// <summary>The content hash of the Secret's data; null when it has none.</summary>
    public static string? ContentHashOf(V1Secret secret) => secret.Data is { } data ? Serving.OutputContentHash.Of(data) : null;
}
