using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>OpenSSL 3.0 security level 2, Debian 12's default for HAProxy and nginx: every key in the chain offers at least
/// 112 bits (RSA and DSA 2048, EC 224), and every signature except the trust anchor's own is made with a hash of at least that
/// strength (SHA-1 and MD5 are refused).</summary>
internal static class SecurityLevel
{
    private const int MinimumRsaBits = 2048;
    private const int MinimumEcBits = 224;

    private static readonly HashSet<string> s_weakSignatures =
    [
        "1.2.840.113549.1.1.4", // md5WithRSAEncryption
        "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
        "1.2.840.10045.4.1", // ecdsa-with-SHA1
        "1.2.840.10040.4.3", // dsa-with-sha1
    ];

    /// <summary>The first reason the path is below level 2, or null. <paramref name="path"/> ends with the trust anchor.</summary>
    public static string? Refusal(IReadOnlyList<X509Certificate2> path)
    {
        for (var i = 0; i < path.Count; i++)
        {
            var bits = KeyBits(path[i]);
            var minimum = path[i].PublicKey.Oid.Value == "1.2.840.10045.2.1" ? MinimumEcBits : MinimumRsaBits;
            if (bits is { } b && b < minimum)
            {
                return $"{(i == 0 ? "EE" : "CA")} key too small: {path[i].Subject} has a {b}-bit key";
            }

            if (i < path.Count - 1 && s_weakSignatures.Contains(path[i].SignatureAlgorithm.Value ?? ""))
            {
                return $"{(i == 0 ? "EE" : "CA")} md too weak: {path[i].Subject} is signed with {path[i].SignatureAlgorithm.FriendlyName}";
            }
        }

        return null;
    }

    private static int? KeyBits(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize;
        }

        using var ec = certificate.GetECDsaPublicKey();
        if (ec is not null)
        {
            return ec.KeySize;
        }

        using var dsa = certificate.GetDSAPublicKey();
        return dsa?.KeySize;
    }
}
