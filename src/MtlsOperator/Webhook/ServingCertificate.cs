using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Admission;

namespace MtlsOperator.Webhook;

/// <summary>The certificate the webhook presents now; replaced, not mutated, when the Secret changes.</summary>
internal sealed class ServingCertificate
{
    private volatile X509Certificate2? _current;
    private string? _loadedPem;

    /// <summary>Null until the serving Secret has been read once: TLS handshakes fail until then (fail closed).</summary>
    public X509Certificate2? Current => _current;

    /// <summary>Loads the Secret's <c>tls.crt</c>/<c>tls.key</c> when they differ from what is served; false when unusable.</summary>
    public bool Load(IDictionary<string, byte[]>? data)
    {
        if (data is null || !data.TryGetValue(WebhookCertificates.CertificateKey, out var cert) || !data.TryGetValue(WebhookCertificates.KeyKey, out var key))
        {
            return false;
        }

        var pem = Encoding.ASCII.GetString(cert) + Encoding.ASCII.GetString(key);
        if (pem == _loadedPem)
        {
            return true;
        }

        try
        {
            _current = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(cert), Encoding.ASCII.GetString(key));
            _loadedPem = pem;
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
