using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Numerics;

namespace MtlsOperator.Engine.Pki;

/// <summary>What a CRL's extensions say about it, in the terms OpenSSL (and so HAProxy and nginx) acts on.</summary>
/// <param name="Number">CRL Number (2.5.29.20): the issuer's sequence number for its CRLs, or null when absent.</param>
/// <param name="DeltaBase">Delta CRL Indicator (2.5.29.27): the CRL Number of the complete CRL this delta updates; null for a complete CRL.</param>
/// <param name="DistributionPoint">The fields present in the Issuing Distribution Point (2.5.29.28), or null when it has none.</param>
/// <param name="AuthorityKeyId">The key identifier of the Authority Key Identifier (2.5.29.35), or null.</param>
/// <param name="UnhandledCritical">OIDs of critical extensions OpenSSL does not process, on the CRL or on an entry: with any of them
/// OpenSSL refuses to use the CRL ("unhandled critical CRL extension") and rejects every certificate it covers.</param>
public sealed record CrlExtensions(
    BigInteger? Number,
    BigInteger? DeltaBase,
    ImmutableArray<string>? DistributionPoint,
    ReadOnlyMemory<byte>? AuthorityKeyId,
    ImmutableArray<string> UnhandledCritical)
{
    public const string CrlNumberOid = "2.5.29.20";
    public const string ReasonCodeOid = "2.5.29.21";
    public const string DeltaCrlIndicatorOid = "2.5.29.27";
    public const string IssuingDistributionPointOid = "2.5.29.28";
    public const string CertificateIssuerOid = "2.5.29.29";
    public const string AuthorityKeyIdentifierOid = "2.5.29.35";

    /// <summary>A CRL without extensions (a v1 CRL).</summary>
    public static CrlExtensions None { get; } = new(null, null, null, null, []);

    /// <summary>True for a delta CRL: it lists only the changes since its base and must never stand in for it.</summary>
    public bool IsDelta => DeltaBase is not null;

    // The critical CRL extensions OpenSSL 3.0 understands (crl_cb in crypto/x509/x_crl.c); any other marks the CRL unusable.
    private static readonly HashSet<string> s_handledCritical = [IssuingDistributionPointOid, AuthorityKeyIdentifierOid, DeltaCrlIndicatorOid];

    private static readonly string[] s_idpFields =
        ["distributionPoint", "onlyContainsUserCerts", "onlyContainsCACerts", "onlySomeReasons", "indirectCRL", "onlyContainsAttributeCerts"];

    /// <summary>Reads the <c>crlExtensions</c> SEQUENCE (inside its [0] tag).</summary>
    /// <exception cref="AsnContentException">An extension is malformed or appears twice.</exception>
    internal static CrlExtensions Read(AsnReader extensions)
    {
        BigInteger? number = null, deltaBase = null;
        ImmutableArray<string>? idp = null;
        ReadOnlyMemory<byte>? akid = null;
        var unhandled = ImmutableArray.CreateBuilder<string>();
        foreach (var (oid, critical, value) in ReadAll(extensions))
        {
            switch (oid)
            {
                case CrlNumberOid:
                    number = ReadInteger(value);
                    break;
                case DeltaCrlIndicatorOid:
                    deltaBase = ReadInteger(value);
                    break;
                case IssuingDistributionPointOid:
                    idp = ReadDistributionPoint(value);
                    break;
                case AuthorityKeyIdentifierOid:
                    akid = ReadKeyIdentifier(value);
                    break;
            }

            if (critical && !s_handledCritical.Contains(oid))
            {
                unhandled.Add(oid);
            }
        }

        return new CrlExtensions(number, deltaBase, idp, akid, unhandled.ToImmutable());
    }

    /// <summary>Every extension of an <c>Extensions</c> SEQUENCE; the same OID twice is malformed (RFC 5280 4.2, and OpenSSL marks such a CRL invalid).</summary>
    internal static List<(string Oid, bool Critical, ReadOnlyMemory<byte> Value)> ReadAll(AsnReader extensions)
    {
        var all = new List<(string, bool, ReadOnlyMemory<byte>)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            var value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (!seen.Add(oid))
            {
                throw new AsnContentException($"extension {oid} appears twice");
            }

            all.Add((oid, critical, value));
        }

        return all;
    }

    // RFC 5280 5.2.3: CRL Numbers are non-negative and at most 20 octets; anything else is not a CRL a CA publishes (and would not fit status).
    private static BigInteger ReadInteger(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var content = reader.ReadIntegerBytes();
        reader.ThrowIfNotEmpty();
        var integer = new BigInteger(content.Span, isUnsigned: false, isBigEndian: true);
        if (integer.Sign < 0 || content.Length > 21 || (content.Length == 21 && content.Span[0] != 0))
        {
            throw new AsnContentException("a CRL Number must be a non-negative integer of at most 20 octets");
        }

        return integer;
    }

    private static ImmutableArray<string> ReadDistributionPoint(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var idp = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var fields = ImmutableArray.CreateBuilder<string>();
        while (idp.HasData)
        {
            var tag = idp.PeekTag();
            idp.ReadEncodedValue();
            if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue >= s_idpFields.Length)
            {
                throw new AsnContentException($"unexpected field {tag} in the issuing distribution point");
            }

            fields.Add(s_idpFields[tag.TagValue]);
        }

        return fields.ToImmutable();
    }

    private static ReadOnlyMemory<byte>? ReadKeyIdentifier(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var akid = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var keyIdTag = new Asn1Tag(TagClass.ContextSpecific, 0);
        return akid.HasData && akid.PeekTag().HasSameClassAndValue(keyIdTag) ? akid.ReadOctetString(keyIdTag) : null;
    }
}
