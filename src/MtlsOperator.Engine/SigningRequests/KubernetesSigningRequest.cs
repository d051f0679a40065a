using System.Security.Cryptography;
using System.Text;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>The Kubernetes <c>certificates.k8s.io/v1</c> CertificateSigningRequest that carries one of a ServerCertificate's requests
/// (spec.csr.signingRequest): its cluster-wide unique name and what its spec says. The shell creates it and copies the issued
/// certificate back into the key Secret; the engine then checks that certificate like any other.</summary>
public static class KubernetesSigningRequest
{
    public const string Group = "certificates.k8s.io";

    /// <summary>Key of the ServerCertificate's key Secret where the shell stores the issued certificate.</summary>
    public const string StoredCertificateKey = "tls.crt";

    /// <summary>Label naming the ServerCertificate's namespace (CertificateSigningRequests are cluster-scoped).</summary>
    public const string OwnerNamespaceLabel = "mtls-operator.io/owner-namespace";

    private const string Prefix = "mtls-operator.";
    private const int MaxName = 253;
    private const int HashChars = 16;

    /// <summary><c>mtls-operator.&lt;namespace&gt;.&lt;name&gt;.&lt;hash of the request&gt;</c>: unique per request, so a new request
    /// (the renewal's, or one for changed names) is a new object, and the same request is always the same object.</summary>
    public static string NameFor(string ns, string name, string requestPem)
    {
        var info = SigningRequestPem.InfoOf(requestPem) ?? Encoding.UTF8.GetBytes(requestPem);
        var hash = Convert.ToHexStringLower(SHA256.HashData(info))[..HashChars];
        var room = MaxName - Prefix.Length - ns.Length - HashChars - 2;
        var shortened = name.Length <= room ? name : name[..room].TrimEnd('-', '.');
        return $"{Prefix}{ns}.{shortened}.{hash}";
    }

    /// <summary>The key usages the request asks for, in the API's spelling: what a TLS server key does.</summary>
    public static IReadOnlyList<string> UsagesFor(string? keyAlgorithm) =>
        keyAlgorithm?.StartsWith("RSA", StringComparison.Ordinal) == true
            ? ["digital signature", "key encipherment", "server auth"]
            : ["digital signature", "server auth"];

    /// <summary>The requests to submit for <paramref name="status"/>: the current one while no certificate serves, the renewal's
    /// while one is pending; each with its object name.</summary>
    public static IEnumerable<(string Name, string Request)> Pending(CsrStatus? status)
    {
        if (status?.Renewal is { SigningRequestName: { } renewalName, Request: { } renewal })
        {
            yield return (renewalName, renewal);
        }

        if (status is { SigningRequestName: { } name, Request: { } request })
        {
            yield return (name, request);
        }
    }

}
