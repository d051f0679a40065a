using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TestPki;

/// <summary>One extension written as given, for CRL features .NET's <see cref="CertificateRevocationListBuilder"/> cannot add.</summary>
public sealed record RawExtension(string Oid, bool Critical, byte[] Value)
{
    /// <summary>Delta CRL Indicator (2.5.29.27, critical as RFC 5280 requires): the CRL Number of the base it updates.</summary>
    public static RawExtension DeltaCrlIndicator(BigInteger baseNumber) => new("2.5.29.27", true, Integer(baseNumber));

    /// <summary>Issuing Distribution Point (2.5.29.28) with a full-name URI and/or the onlyContainsUserCerts flag.</summary>
    public static RawExtension IssuingDistributionPoint(string? uri = "http://crl.example/ca.crl", bool onlyUserCertificates = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (uri is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
                }
            }

            if (onlyUserCertificates)
            {
                writer.WriteBoolean(true, new Asn1Tag(TagClass.ContextSpecific, 1));
            }
        }

        return new("2.5.29.28", true, writer.Encode());
    }

    /// <summary>A private-arc extension no verifier knows, holding NULL.</summary>
    public static RawExtension Unknown(bool critical) => new("1.3.6.1.4.1.55555.1", critical, [0x05, 0x00]);

    private static byte[] Integer(BigInteger value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }
}

/// <summary>What a hand-built CRL holds. Defaults: issued ten minutes ago, valid for a week, no number, nothing revoked.</summary>
public sealed record CrlContents
{
    public DateTimeOffset? ThisUpdate { get; init; }
    public DateTimeOffset? NextUpdate { get; init; }
    public BigInteger? Number { get; init; }

    /// <summary>Set to make a delta CRL of the complete CRL with this number.</summary>
    public BigInteger? DeltaBase { get; init; }

    public IReadOnlyList<X509Certificate2> Revoked { get; init; } = [];

    /// <summary>Entries with reason removeFromCRL (a delta releasing a certificate from hold).</summary>
    public IReadOnlyList<X509Certificate2> RemovedFromCrl { get; init; } = [];

    public IReadOnlyList<RawExtension> Extensions { get; init; } = [];

    /// <summary>The Authority Key Identifier's key id; null writes the CA's Subject Key Identifier, as CAs do.</summary>
    public byte[]? AuthorityKeyId { get; init; }

    /// <summary>Extensions put on the first entry.</summary>
    public IReadOnlyList<RawExtension> EntryExtensions { get; init; } = [];
}

/// <summary>Writes and signs CRLs with <see cref="AsnWriter"/> (RFC 5280 5.1), for delta indicators, distribution points and critical
/// extensions that <see cref="CertificateRevocationListBuilder"/> cannot add. Signed with the CA's key: ECDSA or RSA PKCS#1, SHA-256.</summary>
public static class HandBuiltCrl
{
    private const string RemoveFromCrl = "removeFromCRL";

    public static byte[] Build(TestCertificateAuthority issuer, CrlContents contents)
    {
        var ca = issuer.Certificate;
        using var ec = ca.GetECDsaPrivateKey();
        using var rsa = ec is null ? ca.GetRSAPrivateKey() : null;
        var algorithm = AlgorithmIdentifier(ec is not null);
        var tbs = new AsnWriter(AsnEncodingRules.DER);
        using (tbs.PushSequence())
        {
            tbs.WriteInteger(1);
            tbs.WriteEncodedValue(algorithm);
            tbs.WriteEncodedValue(ca.SubjectName.RawData);
            WriteTime(tbs, contents.ThisUpdate ?? DateTimeOffset.UtcNow.AddMinutes(-10));
            WriteTime(tbs, contents.NextUpdate ?? DateTimeOffset.UtcNow.AddDays(7));
            var entries = contents.Revoked.Select(c => (c, (string?)null)).Concat(contents.RemovedFromCrl.Select(c => (c, (string?)RemoveFromCrl))).ToList();
            if (entries.Count > 0)
            {
                using (tbs.PushSequence())
                {
                    for (var i = 0; i < entries.Count; i++)
                    {
                        WriteEntry(tbs, entries[i].c, entries[i].Item2 is not null, i == 0 ? contents.EntryExtensions : []);
                    }
                }
            }

            var extensions = new List<RawExtension> { AuthorityKeyIdentifier(contents.AuthorityKeyId ?? SubjectKeyId(ca)) };
            if (contents.Number is { } number)
            {
                extensions.Add(new RawExtension("2.5.29.20", false, IntegerDer(number)));
            }

            if (contents.DeltaBase is { } deltaBase)
            {
                extensions.Add(RawExtension.DeltaCrlIndicator(deltaBase));
            }

            extensions.AddRange(contents.Extensions);
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            {
                WriteExtensions(tbs, extensions);
            }
        }

        var toBeSigned = tbs.Encode();
        var signature = ec is not null
            ? ec.SignData(toBeSigned, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : rsa!.SignData(toBeSigned, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var crl = new AsnWriter(AsnEncodingRules.DER);
        using (crl.PushSequence())
        {
            crl.WriteEncodedValue(toBeSigned);
            crl.WriteEncodedValue(algorithm);
            crl.WriteBitString(signature);
        }

        return crl.Encode();
    }

    /// <summary>The CRL as PEM text.</summary>
    public static string BuildPem(TestCertificateAuthority issuer, CrlContents contents) =>
        new string(PemEncoding.Write("X509 CRL", Build(issuer, contents))) + "\n";

    private static void WriteEntry(AsnWriter writer, X509Certificate2 certificate, bool removeFromCrl, IReadOnlyList<RawExtension> extra)
    {
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Convert.FromHexString(certificate.SerialNumber));
            WriteTime(writer, DateTimeOffset.UtcNow.AddMinutes(-20));
            var extensions = new List<RawExtension>(extra);
            if (removeFromCrl)
            {
                var reason = new AsnWriter(AsnEncodingRules.DER);
                reason.WriteEnumeratedValue(X509RevocationReason.RemoveFromCrl);
                extensions.Add(new RawExtension("2.5.29.21", false, reason.Encode()));
            }

            if (extensions.Count > 0)
            {
                WriteExtensions(writer, extensions);
            }
        }
    }

    private static void WriteExtensions(AsnWriter writer, IReadOnlyList<RawExtension> extensions)
    {
        using (writer.PushSequence())
        {
            foreach (var e in extensions)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(e.Oid);
                    if (e.Critical)
                    {
                        writer.WriteBoolean(true);
                    }

                    writer.WriteOctetString(e.Value);
                }
            }
        }
    }

    private static byte[] SubjectKeyId(X509Certificate2 ca) =>
        ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray();

    private static RawExtension AuthorityKeyIdentifier(byte[] keyId)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(keyId, new Asn1Tag(TagClass.ContextSpecific, 0));
        }

        return new RawExtension("2.5.29.35", false, writer.Encode());
    }

    private static byte[] AlgorithmIdentifier(bool ecdsa)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (ecdsa)
            {
                writer.WriteObjectIdentifier("1.2.840.10045.4.3.2");
            }
            else
            {
                writer.WriteObjectIdentifier("1.2.840.113549.1.1.11");
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }

    private static byte[] IntegerDer(BigInteger value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }

    // RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime after; whole seconds.
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var seconds = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
        if (seconds.Year < 2050)
        {
            writer.WriteUtcTime(seconds);
        }
        else
        {
            writer.WriteGeneralizedTime(seconds, omitFractionalSeconds: true);
        }
    }
}
