using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Tests.Hostile;

/// <summary>Recipes for damaged certificates: each is a real, signed certificate whose one named part is malformed.</summary>
internal static class HostileCertificates
{
    private const string BasicConstraintsOid = "2.5.29.19";
    private const string KeyUsageOid = "2.5.29.15";

    /// <summary>A self-signed CA whose extension <paramref name="oid"/> holds <paramref name="value"/> as its raw extnValue contents.</summary>
    public static string CaWithRawExtension(string oid, byte[] value, bool critical = true) =>
        SelfSigned("CN=Hostile CA,O=Test", ca: oid != BasicConstraintsOid, extra: new X509Extension(oid, value, critical), keyUsage: oid != KeyUsageOid);

    /// <summary>basicConstraints whose SEQUENCE claims more bytes than it has (what openssl's "DER:30:03:01:01" gives).</summary>
    public static string CaWithTruncatedBasicConstraints() => CaWithRawExtension(BasicConstraintsOid, [0x30, 0x03, 0x01, 0x01]);

    /// <summary>keyUsage as an OCTET STRING instead of a BIT STRING.</summary>
    public static string CaWithWrongTypeKeyUsage() => CaWithRawExtension(KeyUsageOid, [0x04, 0x02, 0x01, 0x06]);

    /// <summary>A CA whose subject has a UniversalString (UCS-4) CN, legal DER that .NET's string decoder does not support.</summary>
    public static string CaWithUniversalStringName(string cn = "Ünïversal CA") =>
        SelfSigned(NameWith(UniversalTagNumber.UniversalString, new UTF32Encoding(true, false).GetBytes(cn)), ca: true);

    /// <summary>UniversalString with bytes that are no UCS-4 character (not a multiple of four, beyond U+10FFFF).</summary>
    public static string CaWithBrokenUniversalString() =>
        SelfSigned(NameWith(UniversalTagNumber.UniversalString, [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x41]), ca: true);

    /// <summary>A BMPString with an odd number of bytes.</summary>
    public static string CaWithOddBmpString() => SelfSigned(NameWith(UniversalTagNumber.BMPString, [0x00, 0x41, 0x00]), ca: true);

    /// <summary>A CA whose subject is BER but not DER: the RDN SET's length uses the long form for a short length.</summary>
    public static string CaWithNonDerName()
    {
        var der = NameWith(UniversalTagNumber.UTF8String, "Non-DER CA"u8.ToArray()).RawData;
        // SEQUENCE { SET { ... } }: rewrite the SET length (byte 3) as 0x81 nn, and the outer length by one more byte.
        var ber = new byte[der.Length + 1];
        ber[0] = 0x30;
        ber[1] = (byte)(der[1] + 1);
        ber[2] = 0x31;
        ber[3] = 0x81;
        Array.Copy(der, 3, ber, 4, der.Length - 3);
        return SelfSigned(new X500DistinguishedName(ber), ca: true);
    }

    /// <summary>A client certificate (not a CA) carrying a malformed extension, for pins.</summary>
    public static string ClientWithRawExtension(string oid, byte[] value) =>
        SelfSigned("CN=hostile client,O=Test", ca: false, extra: new X509Extension(oid, value, critical: false), keyUsage: oid != KeyUsageOid);

    /// <summary>A good self-signed CA, the baseline other inputs damage.</summary>
    public static string GoodCa(string subject = "CN=Good CA,O=Test") => SelfSigned(subject, ca: true);

    private static X500DistinguishedName NameWith(UniversalTagNumber type, byte[] content)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("2.5.4.3");
            // Raw TLV: AsnWriter will not write a string type with bytes that are not of that type, and some recipes want exactly that.
            writer.WriteEncodedValue([(byte)type, (byte)content.Length, .. content]);
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static string SelfSigned(string subject, bool ca, X509Extension? extra = null, bool keyUsage = true) =>
        SelfSigned(new X500DistinguishedName(subject), ca, extra, keyUsage);

    /// <summary>Assembles and signs the certificate by hand (RFC 5280 4.1), because the platform's builder re-reads the names and
    /// extensions it writes and refuses exactly the damage these recipes make.</summary>
    private static string SelfSigned(X500DistinguishedName subject, bool ca, X509Extension? extra = null, bool keyUsage = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var extensions = new List<X509Extension>();
        if (extra?.Oid?.Value != BasicConstraintsOid)
        {
            extensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        }

        if (keyUsage)
        {
            extensions.Add(new X509KeyUsageExtension(ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        }

        if (extra is not null)
        {
            extensions.Add(extra);
        }

        var tbs = new AsnWriter(AsnEncodingRules.BER);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.WriteInteger(2);
            }

            tbs.WriteInteger(new System.Numerics.BigInteger(RandomNumberGenerator.GetBytes(8), isUnsigned: true));
            WriteEcdsaSha256(tbs);
            tbs.WriteEncodedValue(subject.RawData);
            using (tbs.PushSequence())
            {
                tbs.WriteUtcTime(DateTimeOffset.UtcNow.AddDays(-1));
                tbs.WriteUtcTime(DateTimeOffset.UtcNow.AddYears(1));
            }

            tbs.WriteEncodedValue(subject.RawData);
            tbs.WriteEncodedValue(key.ExportSubjectPublicKeyInfo());
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3)))
            using (tbs.PushSequence())
            {
                foreach (var e in extensions)
                {
                    using (tbs.PushSequence())
                    {
                        tbs.WriteObjectIdentifier(e.Oid!.Value!);
                        if (e.Critical)
                        {
                            tbs.WriteBoolean(true);
                        }

                        tbs.WriteOctetString(e.RawData);
                    }
                }
            }
        }

        var toBeSigned = tbs.Encode();
        var certificate = new AsnWriter(AsnEncodingRules.BER);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(toBeSigned);
            WriteEcdsaSha256(certificate);
            certificate.WriteBitString(key.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        return new string(PemEncoding.Write("CERTIFICATE", certificate.Encode())) + "\n";
    }

    private static void WriteEcdsaSha256(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
        }
    }
}
