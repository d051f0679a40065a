using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.SigningRequests;

/// <summary>Builds PKCS #10 certificate signing requests for a server key, and tells whether a stored one still asks for the same.</summary>
public static class SigningRequestPem
{
    private const string Label = "CERTIFICATE REQUEST";

    /// <summary>A PEM request for <paramref name="content"/>, signed by <paramref name="key"/>, asking for Key Usage digitalSignature
    /// (and keyEncipherment for RSA) and Extended Key Usage serverAuth: what the operator later checks the certificate for.</summary>
    public static string Build(PrivateKey key, SigningRequestContent content)
    {
        using var opened = key.Open();
        var request = KeyAlgorithm.RequestFor(content.Subject, opened);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in content.DnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var address in content.IpAddresses)
        {
            san.AddIpAddress(address);
        }

        foreach (var email in content.EmailAddresses)
        {
            san.AddEmailAddress(email);
        }

        // An empty subject requires a critical SAN (RFC 5280 §4.2.1.6).
        request.CertificateExtensions.Add(san.Build(critical: content.Subject.RawData.Length <= 2));
        var usages = opened is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usages, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerKeyUsage.ServerAuthOid)], false));
        return request.CreateSigningRequestPem() + "\n";
    }

    /// <summary>True when <paramref name="storedPem"/> is a request by <paramref name="key"/> for exactly <paramref name="content"/>.
    /// ECDSA signatures differ on every signing, so requests are compared by what is signed (the CertificationRequestInfo), which
    /// is deterministic; a stored request that still fits is kept, so the status does not change on every reconcile.</summary>
    public static bool Fits(string? storedPem, PrivateKey key, SigningRequestContent content) =>
        InfoOf(storedPem) is { } stored && InfoOf(Build(key, content)) is { } wanted && stored.AsSpan().SequenceEqual(wanted);

    /// <summary>The DER CertificationRequestInfo of a PEM request, or null when it is not one. Never throws.</summary>
    public static byte[]? InfoOf(string? pem)
    {
        if (string.IsNullOrEmpty(pem))
        {
            return null;
        }

        try
        {
            var blocks = PemBlock.ReadAll(pem);
            if (blocks.Count != 1 || blocks[0].Label != Label)
            {
                return null;
            }

            var request = new AsnReader(blocks[0].Der, AsnEncodingRules.DER).ReadSequence();
            return request.ReadEncodedValue().ToArray();
        }
        catch (Exception e) when (e is FormatException or AsnContentException or CryptographicException)
        {
            return null;
        }
    }
}
