using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>OpenSSL's <c>sslclient</c> purpose, which a TLS server applies to the client's chain: an extended key usage, where
/// present, must list clientAuth on the leaf and on every CA (anyExtendedKeyUsage alone does not do); a key usage on the leaf
/// must allow digitalSignature or keyAgreement. .NET's own policy check differs (it accepts anyExtendedKeyUsage), hence this.</summary>
internal static class SslClientPurpose
{
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>The first reason the path fails the purpose, or null.</summary>
    public static string? Refusal(IReadOnlyList<X509Certificate2> path)
    {
        for (var i = 0; i < path.Count; i++)
        {
            if (path[i].Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault() is { } eku
                && !eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == ClientAuthOid))
            {
                return $"unsupported certificate purpose: {(i == 0 ? "the client certificate" : "CA " + path[i].Subject)} has an extended key usage without clientAuth";
            }
        }

        if (path[0].Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && (usage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement)) == 0)
        {
            return "unsupported certificate purpose: the client certificate's key usage allows neither digitalSignature nor keyAgreement";
        }

        return null;
    }
}
