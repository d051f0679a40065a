using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>The certificates an IssuedClientCertificate's Secret holds: the current one with its key, and the earlier ones still valid.</summary>
/// <param name="Current">The leaf of <c>tls.crt</c>, if readable.</param>
/// <param name="KeyPem">The <c>tls.key</c> text, when it belongs to <see cref="Current"/>.</param>
/// <param name="Previous">Earlier certificates of <c>previous.crt</c> that have not expired, newest first.</param>
public sealed record HeldCertificates(X509Certificate2? Current, string? KeyPem, IReadOnlyList<X509Certificate2> Previous)
{
    public static HeldCertificates None { get; } = new(null, null, []);

    /// <summary>The current and previous certificates, newest first.</summary>
    public IEnumerable<X509Certificate2> All => Current is null ? Previous : Previous.Prepend(Current);

    /// <summary>Reads <paramref name="secret"/>; what cannot be read counts as absent (a new certificate is then issued).</summary>
    public static HeldCertificates Read(V1Secret? secret, DateTimeOffset now)
    {
        if (secret is null)
        {
            return None;
        }

        var current = Certificates(TlsSecretData.Get(secret, IssuedSecretData.Certificate)).FirstOrDefault();
        var keyBytes = TlsSecretData.Get(secret, IssuedSecretData.PrivateKey);
        string? keyPem = null;
        if (current is not null && keyBytes is not null && PrivateKeyPem.Read(keyBytes) is { Block: { } block }
            && PrivateKeyMatch.Check(current, block).Outcome == KeyMatchOutcome.Match)
        {
            keyPem = Encoding.UTF8.GetString(keyBytes);
        }

        var previous = Certificates(TlsSecretData.Get(secret, IssuedSecretData.Previous))
            .Where(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()) > now && c.SerialNumber != current?.SerialNumber)
            .ToList();
        return new HeldCertificates(current, keyPem, previous);
    }

    private static List<X509Certificate2> Certificates(byte[]? bytes)
    {
        if (bytes is null)
        {
            return [];
        }

        var content = PemOrDer.Read(bytes, PemLabels.Certificate);
        return content.Error is not null ? [] : [.. content.Objects.Select(o => CertificateDecoding.TryLoad(o.Span, out _)).OfType<X509Certificate2>()];
    }
}
