using System.Formats.Asn1;
using System.Security.Cryptography;

namespace MtlsOperator.Engine.Pki;

/// <summary>Names of public-key algorithms by OID, as people know them.</summary>
public static class PublicKeyAlgorithm
{
    public const string RsaOid = "1.2.840.113549.1.1.1";
    public const string EcOid = "1.2.840.10045.2.1";

    private static readonly Dictionary<string, string> s_names = new(StringComparer.Ordinal)
    {
        [RsaOid] = "RSA",
        [EcOid] = "ECDSA",
        ["1.2.840.113549.1.1.10"] = "RSA-PSS",
        ["1.3.101.112"] = "Ed25519",
        ["1.3.101.113"] = "Ed448",
        ["1.2.840.10040.4.1"] = "DSA",
    };

    /// <summary>The common name of an algorithm OID, or the OID itself when unknown.</summary>
    public static string NameOf(string? oid) => oid is not null && s_names.TryGetValue(oid, out var name) ? name : oid ?? "unknown";

    /// <summary>The algorithm OID inside a PKCS#8 PrivateKeyInfo, or null when the DER is not one.</summary>
    public static string? OfPkcs8(ReadOnlyMemory<byte> der)
    {
        try
        {
            var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            info.ReadInteger();
            return info.ReadSequence().ReadObjectIdentifier();
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The algorithm OID of a key block, by its label or (for PKCS#8) its content.</summary>
    public static string? OfKey(PemBlock key) => key.Label switch
    {
        PrivateKeyPem.Pkcs1Label => RsaOid,
        PrivateKeyPem.Sec1Label => EcOid,
        _ => OfPkcs8(key.Der),
    };
}
