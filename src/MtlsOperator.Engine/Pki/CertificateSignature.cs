using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Verifies that one certificate's signature was made with another certificate's key (RSA PKCS#1 v1.5, RSA-PSS, ECDSA).</summary>
public static class CertificateSignature
{
    private const string RsaPssOid = "1.2.840.113549.1.1.10";

    private static readonly Dictionary<string, HashAlgorithmName> s_rsaPkcs1 = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.5"] = HashAlgorithmName.SHA1,
        ["1.2.840.113549.1.1.11"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.1.1.12"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.1.1.13"] = HashAlgorithmName.SHA512,
    };

    private static readonly Dictionary<string, HashAlgorithmName> s_ecdsa = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.4.1"] = HashAlgorithmName.SHA1,
        ["1.2.840.10045.4.3.2"] = HashAlgorithmName.SHA256,
        ["1.2.840.10045.4.3.3"] = HashAlgorithmName.SHA384,
        ["1.2.840.10045.4.3.4"] = HashAlgorithmName.SHA512,
    };

    private static readonly Dictionary<string, HashAlgorithmName> s_hashes = new(StringComparer.Ordinal)
    {
        ["1.3.14.3.2.26"] = HashAlgorithmName.SHA1,
        ["2.16.840.1.101.3.4.2.1"] = HashAlgorithmName.SHA256,
        ["2.16.840.1.101.3.4.2.2"] = HashAlgorithmName.SHA384,
        ["2.16.840.1.101.3.4.2.3"] = HashAlgorithmName.SHA512,
    };

    /// <summary>True when <paramref name="issuer"/>'s public key verifies <paramref name="subject"/>'s signature. False for anything it cannot verify.</summary>
    public static bool IsSignedBy(X509Certificate2 subject, X509Certificate2 issuer)
    {
        try
        {
            var certificate = new AsnReader(subject.RawData, AsnEncodingRules.DER).ReadSequence();
            var tbs = certificate.ReadEncodedValue();
            var algorithm = certificate.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            var parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : ReadOnlyMemory<byte>.Empty;
            var signature = certificate.ReadBitString(out _);
            return Verify(oid, parameters, tbs.Span, signature, issuer);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static bool Verify(string oid, ReadOnlyMemory<byte> parameters, ReadOnlySpan<byte> tbs, byte[] signature, X509Certificate2 issuer)
    {
        if (s_ecdsa.TryGetValue(oid, out var ecHash))
        {
            using var ec = issuer.GetECDsaPublicKey();
            return ec is not null && ec.VerifyData(tbs, signature, ecHash, DSASignatureFormat.Rfc3279DerSequence);
        }

        if (s_rsaPkcs1.TryGetValue(oid, out var rsaHash))
        {
            using var rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(tbs, signature, rsaHash, RSASignaturePadding.Pkcs1);
        }

        if (oid == RsaPssOid)
        {
            // .NET verifies PSS with salt length = hash length, which is what CAs and openssl use by default.
            using var rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(tbs, signature, PssHash(parameters), RSASignaturePadding.Pss);
        }

        return false;
    }

    private static HashAlgorithmName PssHash(ReadOnlyMemory<byte> parameters)
    {
        if (parameters.IsEmpty)
        {
            return HashAlgorithmName.SHA1;
        }

        var pss = new AsnReader(parameters, AsnEncodingRules.DER).ReadSequence();
        var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!pss.HasData || pss.PeekTag() != hashTag)
        {
            return HashAlgorithmName.SHA1;
        }

        var hashOid = pss.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
        return s_hashes.TryGetValue(hashOid, out var hash) ? hash : throw new CryptographicException("unsupported PSS hash");
    }
}
