using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>Where the last good CRL of each URL is kept: a <c>binaryData</c> key of the bundle's own output ConfigMap (which the operator
/// already owns and rewrites only when its content changes), so a restarted operator neither loses it nor has to fetch every URL again.</summary>
public static class HeldCrls
{
    /// <summary>Prefix of the keys; the rest is the first 16 hex digits of the URL's SHA-256 (ConfigMap keys cannot hold a URL).</summary>
    public const string KeyPrefix = "fetched-";

    /// <summary>The ConfigMap key holding the DER CRL last verified from <paramref name="url"/>.</summary>
    public static string KeyOf(string url) =>
        KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16] + ".crl";

    /// <summary>The CRL held for <paramref name="url"/> in <paramref name="output"/>, or null. The caller checks the ConfigMap is the bundle's own.</summary>
    public static byte[]? Find(V1ConfigMap? output, string url) =>
        output?.BinaryData is { } data && data.TryGetValue(KeyOf(url), out var der) ? der : null;
}
