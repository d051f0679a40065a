using System.Text;
using k8s.Models;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The values of a TLS Secret's keys, from <c>data</c> (already base64-decoded) or <c>stringData</c> (as written in manifests).</summary>
internal static class TlsSecretData
{
    public const string Certificate = "tls.crt";
    public const string PrivateKey = "tls.key";
    public const string CaCertificate = "ca.crt";

    /// <summary>The value of <paramref name="key"/>, <c>stringData</c> winning as the API server merges it on write; null when absent or empty.</summary>
    public static byte[]? Get(V1Secret secret, string key)
    {
        if (secret.StringData is { } strings && strings.TryGetValue(key, out var text) && !string.IsNullOrEmpty(text))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        return secret.Data is { } data && data.TryGetValue(key, out var bytes) && bytes is { Length: > 0 } ? bytes : null;
    }
}
