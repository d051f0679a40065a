using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Serving;

/// <summary>The server certificates an output Secret serves: each <c>X.crt</c> that has its key beside it as <c>X.key</c>
/// (<c>tls.crt</c>, <c>sni-&lt;name&gt;.crt</c>); <c>ca.crt</c> has no key and is the client CA bundle.</summary>
public static class ServedCertificates
{
    /// <summary>The earliest notAfter of the leaf (first certificate) of every served certificate file; null when there is none.</summary>
    public static DateTimeOffset? EarliestNotAfter(IReadOnlyDictionary<string, byte[]> files)
    {
        DateTimeOffset? earliest = null;
        foreach (var (key, value) in files)
        {
            if (!key.EndsWith(".crt", StringComparison.Ordinal) || !files.ContainsKey(key[..^4] + ".key"))
            {
                continue;
            }

            var leaf = PemBlock.ReadAll(Encoding.UTF8.GetString(value)).FirstOrDefault(b => b.Label == PemLabels.Certificate);
            if (leaf is null)
            {
                continue;
            }

            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(leaf.Der.Span);
                var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
                earliest = earliest is { } e && e <= notAfter ? e : notAfter;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Not a certificate the platform can read: the proxy's own check decides whether it is served at all.
            }
        }

        return earliest;
    }
}
