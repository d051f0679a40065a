using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Engine.Pki.Keys;

/// <summary>A private key the operator generated (or stored earlier), as unencrypted PKCS#8 PEM, with its algorithm's spec
/// spelling and the SPKI pin of its public half. Never log, print or put it in a status: only <see cref="SpkiSha256"/> is public.</summary>
public sealed class PrivateKey
{
    private PrivateKey(string algorithm, string pem, byte[] subjectPublicKeyInfo)
    {
        Algorithm = algorithm;
        Pem = pem;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        SpkiSha256 = Convert.ToBase64String(SHA256.HashData(subjectPublicKeyInfo));
    }

    /// <summary>One of <see cref="KeyAlgorithm.All"/>.</summary>
    public string Algorithm { get; }

    /// <summary>PKCS#8 <c>BEGIN PRIVATE KEY</c> PEM, ending with a newline.</summary>
    public string Pem { get; }

    /// <summary>DER SubjectPublicKeyInfo of the public half.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    /// <summary>SHA-256 of <see cref="SubjectPublicKeyInfo"/>, standard base64: the HPKP / Envoy <c>verify_certificate_spki</c> pin.</summary>
    public string SpkiSha256 { get; }

    /// <summary>A fresh key of <paramref name="algorithm"/> from the platform's CSPRNG.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The name is not one of <see cref="KeyAlgorithm.All"/>.</exception>
    public static PrivateKey Generate(string algorithm)
    {
        using var key = KeyAlgorithm.Create(algorithm);
        return new PrivateKey(algorithm, key.ExportPkcs8PrivateKeyPem() + "\n", key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Reads a stored key (PKCS#8, PKCS#1 or SEC1 PEM); null when it is unreadable or of an algorithm outside
    /// <see cref="KeyAlgorithm.All"/>. Never throws. The key keeps its stored form only if it is PKCS#8 already.</summary>
    public static PrivateKey? Read(ReadOnlySpan<byte> pem)
    {
        if (PrivateKeyPem.Read(pem).Block is not { } block)
        {
            return null;
        }

        var rsa = PublicKeyAlgorithm.OfKey(block) == PublicKeyAlgorithm.RsaOid;
        try
        {
            using var key = PrivateKeyImport.Open(block, rsa);

            var spki = key.ExportSubjectPublicKeyInfo();
            var algorithm = KeyAlgorithm.Of(PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _));
            return algorithm is null ? null : new PrivateKey(algorithm, key.ExportPkcs8PrivateKeyPem() + "\n", spki);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Reads a stored key from text; see <see cref="Read(ReadOnlySpan{byte})"/>.</summary>
    public static PrivateKey? Read(string pem) => Read(Encoding.UTF8.GetBytes(pem));

    /// <summary>The key pair, ready to sign; the caller disposes it.</summary>
    public AsymmetricAlgorithm Open()
    {
        AsymmetricAlgorithm key = Algorithm.StartsWith("RSA", StringComparison.Ordinal) ? RSA.Create() : ECDsa.Create();
        key.ImportFromPem(Pem);
        return key;
    }

    /// <summary>True when <paramref name="subjectPublicKeyInfo"/> (e.g. a certificate's) is this key's public half.</summary>
    public bool Owns(ReadOnlySpan<byte> subjectPublicKeyInfo) => SubjectPublicKeyInfo.Span.SequenceEqual(subjectPublicKeyInfo);

    /// <summary>The key material stays out of ToString, so a key printed by accident (a log, an exception) leaks nothing.</summary>
    public override string ToString() => $"{Algorithm} private key (SPKI SHA-256 {SpkiSha256})";
}
