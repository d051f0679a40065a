using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>ECDSA and RSA (PKCS#1 v1.5) signatures that also do SHA-1, which .NET's own generators refuse to make: weak
/// signatures are part of what the differential tests generate.</summary>
public sealed class Sha1CapableSigner(AsymmetricAlgorithm key) : X509SignatureGenerator
{
    private readonly X509SignatureGenerator _inner = key switch
    {
        ECDsa ec => CreateForECDsa(ec),
        RSA rsa => CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException("ECDSA or RSA keys only", nameof(key)),
    };

    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA1)
        {
            return _inner.GetSignatureAlgorithmIdentifier(hashAlgorithm);
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (key is RSA)
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.5");
                writer.WriteNull();
            }
            else
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.1");
            }
        }

        return writer.Encode();
    }

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key switch
    {
        ECDsa ec => ec.SignData(data, hashAlgorithm, DSASignatureFormat.Rfc3279DerSequence),
        RSA rsa => rsa.SignData(data, hashAlgorithm, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException("unreachable"),
    };

    protected override PublicKey BuildPublicKey() => _inner.PublicKey;
}
