using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>OpenSSL's default security level 2 (112-bit security), which Debian's OpenSSL 3.0 applies to every certificate a
/// server loads: HAProxy and nginx refuse to start ("ee key too small", "ca key too small", "ca md too weak") when a served
/// certificate's key or signature is below it. Mirrors <c>ssl_security_cert</c>: the key of every served certificate, and the
/// signature of every one that is not self-signed.</summary>
public static class OpensslSecurityLevel
{
    /// <summary>Security bits level 2 demands.</summary>
    public const int MinimumBits = 112;

    private const string RsaPssOid = "1.2.840.113549.1.1.10";

    /// <summary>Signature algorithms whose digest is below level 2, with OpenSSL's security bits for them (OpenSSL 3.0: SHA-1 63, MD5 39).</summary>
    private static readonly Dictionary<string, string> s_weakSignatures = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.1.2"] = "MD2 (md2WithRSAEncryption)",
        ["1.2.840.113549.1.1.3"] = "MD4 (md4WithRSAEncryption)",
        ["1.2.840.113549.1.1.4"] = "MD5 (md5WithRSAEncryption)",
        ["1.2.840.113549.1.1.5"] = "SHA-1 (sha1WithRSAEncryption)",
        ["1.3.14.3.2.29"] = "SHA-1 (sha1WithRSASignature)",
        ["1.2.840.10045.4.1"] = "SHA-1 (ecdsa-with-SHA1)",
        ["1.2.840.10040.4.3"] = "SHA-1 (dsa-with-SHA1)",
    };

    /// <summary>Digests a PSS signature may name that are below level 2.</summary>
    private static readonly Dictionary<string, string> s_weakDigests = new(StringComparer.Ordinal)
    {
        ["1.3.14.3.2.26"] = "SHA-1",
        ["1.2.840.113549.2.5"] = "MD5",
    };

    /// <summary>"an RSA key of 1024 bits" when the certificate's public key is below level 2; null when it is strong enough or of a kind
    /// level 2 does not bound (Ed25519, Ed448).</summary>
    public static string? WeakKey(X509Certificate2 certificate)
    {
        try
        {
            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                using (rsa)
                {
                    return rsa.KeySize < 2048 ? $"an RSA key of {Bits(rsa.KeySize)}" : null;
                }
            }

            if (certificate.GetECDsaPublicKey() is { } ec)
            {
                using (ec)
                {
                    // An elliptic-curve key gives half its order's bits of security: P-224 is the smallest curve at 112.
                    return ec.KeySize < 224 ? $"an ECDSA key of {Bits(ec.KeySize)}" : null;
                }
            }

            if (certificate.GetDSAPublicKey() is { } dsa)
            {
                using (dsa)
                {
                    return dsa.KeySize < 2048 ? $"a DSA key of {Bits(dsa.KeySize)}" : null;
                }
            }
        }
        catch (CryptographicException)
        {
            // A key .NET cannot load is reported by the key-match check; nothing to say about its size here.
        }

        return null;
    }

    /// <summary>The weak digest (e.g. "SHA-1 (sha1WithRSAEncryption)") the certificate is signed with; null when strong enough or
    /// self-issued (subject equals issuer): OpenSSL 3.0 then sets <c>EXFLAG_SS</c> and does not check the signature, since nobody
    /// verifies it (measured: HAProxy loads a self-signed SHA-1 certificate, even one whose key usage lacks keyCertSign).</summary>
    public static string? WeakSignature(X509Certificate2 certificate)
    {
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return null;
        }

        var oid = certificate.SignatureAlgorithm.Value ?? "";
        if (s_weakSignatures.TryGetValue(oid, out var weak))
        {
            return weak;
        }

        return oid == RsaPssOid && PssDigest(certificate.RawData) is { } digest && s_weakDigests.TryGetValue(digest, out var pss)
            ? $"{pss} (RSASSA-PSS)"
            : null;
    }

    /// <summary>The hash OID of an RSASSA-PSS certificate signature; SHA-1 when the parameters leave it out (RFC 4055 default).</summary>
    private static string? PssDigest(byte[] certificateDer)
    {
        try
        {
            var certificate = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
            certificate.ReadSequence(); // tbsCertificate
            var algorithm = certificate.ReadSequence();
            algorithm.ReadObjectIdentifier();
            if (!algorithm.HasData)
            {
                return "1.3.14.3.2.26";
            }

            var parameters = algorithm.ReadSequence();
            var hashTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(hashTag))
            {
                return "1.3.14.3.2.26";
            }

            return parameters.ReadSequence(hashTag).ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static string Bits(int bits) => bits.ToString(CultureInfo.InvariantCulture) + " bits";
}
