using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>The keys and requests of the CSR flow as the operator keeps them in its own Secret <c>&lt;name&gt;-csr-key</c>: the
/// current key (whose certificate is served, or awaited) and the next key, generated ahead so clients can pin it and the
/// renewal has a request ready. Each request is kept beside its key, so the status stays the same across reconciles and restarts.</summary>
/// <param name="Current">The current key.</param>
/// <param name="CurrentRequest">The PEM request for the current key.</param>
/// <param name="Next">The next key.</param>
/// <param name="NextRequest">The PEM request for the next key.</param>
/// <param name="Certificate">The signed certificate the operator stored itself (from a Kubernetes CertificateSigningRequest), if any.</param>
internal sealed record CsrKeys(PrivateKey Current, string CurrentRequest, PrivateKey Next, string NextRequest, byte[]? Certificate)
{
    public const string CurrentKeyData = "tls.key";
    public const string CurrentRequestData = "tls.csr";
    public const string NextKeyData = "next.key";
    public const string NextRequestData = "next.csr";
    public const string CertificateData = KubernetesSigningRequest.StoredCertificateKey;

    /// <summary>Name of the Secret the keys live in.</summary>
    public static string SecretName(ServerCertificate certificate) => certificate.Metadata.Name + ResourceReferences.CsrKeySecretSuffix;

    /// <summary>What a stored Secret holds: each key only when it reads as a key of the vocabulary, each request as text.</summary>
    public static (PrivateKey? Current, string? CurrentRequest, PrivateKey? Next, string? NextRequest, byte[]? Certificate) Read(V1Secret? secret)
    {
        if (secret is null)
        {
            return (null, null, null, null, null);
        }

        PrivateKey? Key(string name) => TlsSecretData.Get(secret, name) is { } bytes ? PrivateKey.Read(bytes) : null;
        string? Text(string name) => TlsSecretData.Get(secret, name) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
        return (Key(CurrentKeyData), Text(CurrentRequestData), Key(NextKeyData), Text(NextRequestData), TlsSecretData.Get(secret, CertificateData));
    }

    /// <summary>The Secret holding these keys, owned by <paramref name="owner"/>.</summary>
    public V1Secret ToSecret(ServerCertificate owner, string ns)
    {
        var data = ToSecretData();
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = V1Secret.KubeKind,
            Metadata = OutputOwnership.MetadataFor(SecretName(owner), owner),
            Type = "Opaque",
            Data = data,
        };
        secret.Metadata.NamespaceProperty = ns;
        return secret;
    }

    /// <summary>True when <paramref name="secret"/> already holds exactly this content (so nothing is written).</summary>
    public bool StoredIn(V1Secret? secret)
    {
        if (secret?.Data is not { } data)
        {
            return false;
        }

        var wanted = ToSecretData();
        return data.Count == wanted.Count && wanted.All(w => data.TryGetValue(w.Key, out var v) && v.AsSpan().SequenceEqual(w.Value));
    }

    private Dictionary<string, byte[]> ToSecretData()
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [CurrentKeyData] = Encoding.UTF8.GetBytes(Current.Pem),
            [CurrentRequestData] = Encoding.UTF8.GetBytes(CurrentRequest),
            [NextKeyData] = Encoding.UTF8.GetBytes(Next.Pem),
            [NextRequestData] = Encoding.UTF8.GetBytes(NextRequest),
        };
        if (Certificate is { } certificate)
        {
            data[CertificateData] = certificate;
        }

        return data;
    }
}
