using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace MtlsOperator.Tests.Controller;

/// <summary>Reads the files of a rendered output Secret as the sidecar would see them.</summary>
internal static class OutputOf
{
    public static string Text(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    /// <summary>SHA-256 thumbprints of every certificate in one PEM file of the Secret.</summary>
    public static IReadOnlyList<string> Thumbprints(V1Secret secret, string key)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(Text(secret, key));
        return [.. certificates.Select(c => c.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256))];
    }

    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);

    /// <summary>True when both Secrets hold the same keys with byte-identical values.</summary>
    public static bool SameData(V1Secret a, V1Secret b) =>
        a.Data.Count == b.Data.Count && a.Data.All(kv => b.Data.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
}
