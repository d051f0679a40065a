using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Outcome of checking one signature.</summary>
public enum SignatureCheck
{
    Valid,
    Invalid,

    /// <summary>The algorithm (e.g. Ed25519, or PSS with an unusual salt) cannot be checked here.</summary>
    Unsupported,
}

/// <summary>Checks the signature of a CRL against a candidate issuer's public key. Hand-written because .NET verifies certificate
/// signatures only inside <see cref="System.Security.Cryptography.X509Certificates.X509Chain"/> (see <see cref="CertificatePaths"/>) and has no
/// CRL verification at all; tests compare it with <c>openssl crl -verify</c>.</summary>
public static class SignatureVerifier
{
    private const string RsaPss = "1.2.840.113549.1.1.10";

    private static readonly Dictionary<string, (bool Rsa, HashAlgorithmName Hash)> s_algorithms = new()
    {
        ["1.2.840.113549.1.1.5"] = (true, HashAlgorithmName.SHA1),
        ["1.2.840.113549.1.1.11"] = (true, HashAlgorithmName.SHA256),
        ["1.2.840.113549.1.1.12"] = (true, HashAlgorithmName.SHA384),
        ["1.2.840.113549.1.1.13"] = (true, HashAlgorithmName.SHA512),
        ["1.2.840.10045.4.1"] = (false, HashAlgorithmName.SHA1),
        ["1.2.840.10045.4.3.2"] = (false, HashAlgorithmName.SHA256),
        ["1.2.840.10045.4.3.3"] = (false, HashAlgorithmName.SHA384),
        ["1.2.840.10045.4.3.4"] = (false, HashAlgorithmName.SHA512),
    };

    private static readonly Dictionary<string, HashAlgorithmName> s_hashes = new()
    {
        ["1.3.14.3.2.26"] = HashAlgorithmName.SHA1,
        ["2.16.840.1.101.3.4.2.1"] = HashAlgorithmName.SHA256,
        ["2.16.840.1.101.3.4.2.2"] = HashAlgorithmName.SHA384,
        ["2.16.840.1.101.3.4.2.3"] = HashAlgorithmName.SHA512,
    };

    /// <summary>Whether <paramref name="structure"/> was signed with the key of <paramref name="issuer"/>.</summary>
    public static SignatureCheck Verify(SignedStructure structure, X509Certificate2 issuer)
    {
        try
        {
            if (structure.AlgorithmOid == RsaPss)
            {
                return PssHash(structure.AlgorithmParameters) is { } pssHash
                    ? VerifyRsa(structure, issuer, pssHash, RSASignaturePadding.Pss)
                    : SignatureCheck.Unsupported;
            }

            if (!s_algorithms.TryGetValue(structure.AlgorithmOid, out var algorithm))
            {
                return SignatureCheck.Unsupported;
            }

            if (algorithm.Rsa)
            {
                return VerifyRsa(structure, issuer, algorithm.Hash, RSASignaturePadding.Pkcs1);
            }

            using var ec = issuer.GetECDsaPublicKey();
            return ec is not null && ec.VerifyData(structure.ToBeSigned.Span, structure.Signature, algorithm.Hash, DSASignatureFormat.Rfc3279DerSequence)
                ? SignatureCheck.Valid
                : SignatureCheck.Invalid;
        }
        catch (CryptographicException)
        {
            return SignatureCheck.Invalid;
        }
    }

    private static SignatureCheck VerifyRsa(SignedStructure structure, X509Certificate2 issuer, HashAlgorithmName hash, RSASignaturePadding padding)
    {
        using var rsa = issuer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(structure.ToBeSigned.Span, structure.Signature, hash, padding) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    /// <summary>The hash of RSASSA-PSS parameters when they are the profile .NET verifies (MGF1 with the same hash, salt = hash length).</summary>
    private static HashAlgorithmName? PssHash(ReadOnlyMemory<byte>? parameters)
    {
        if (parameters is not { } p)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(p, AsnEncodingRules.DER).ReadSequence();
            var hash = HashAlgorithmName.SHA1;
            var saltLength = 20;
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0);
            if (reader.HasData && reader.PeekTag().HasSameClassAndValue(hashTag))
            {
                var oid = reader.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
                if (!s_hashes.TryGetValue(oid, out hash))
                {
                    return null;
                }
            }

            var mgfTag = new Asn1Tag(TagClass.ContextSpecific, 1);
            if (reader.HasData && reader.PeekTag().HasSameClassAndValue(mgfTag))
            {
                var mgf = reader.ReadSequence(mgfTag).ReadSequence();
                mgf.ReadObjectIdentifier();
                var mgfHash = mgf.ReadSequence().ReadObjectIdentifier();
                if (!s_hashes.TryGetValue(mgfHash, out var h) || h != hash)
                {
                    return null;
                }
            }

            var saltTag = new Asn1Tag(TagClass.ContextSpecific, 2);
            if (reader.HasData && reader.PeekTag().HasSameClassAndValue(saltTag))
            {
                var explicitSalt = reader.ReadSequence(saltTag);
                saltLength = explicitSalt.TryReadInt32(out var s) ? s : -1;
            }

            var expectedSalt = hash == HashAlgorithmName.SHA1 ? 20 : hash == HashAlgorithmName.SHA256 ? 32 : hash == HashAlgorithmName.SHA384 ? 48 : 64;
            return saltLength == expectedSalt ? hash : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
