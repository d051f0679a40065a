using System.Collections.Immutable;
using System.Formats.Asn1;

namespace MtlsOperator.Engine.Pki;

/// <summary>An X.509 CRL as read from its DER: who issued it, when, until when, and which serial numbers it revokes.</summary>
/// <param name="Der">The whole CRL, to be re-emitted as PEM.</param>
/// <param name="Signed">The signed parts, for checking the signature against the issuer's key.</param>
/// <param name="IssuerDer">DER of the issuer Name.</param>
/// <param name="Issuer">The issuer in RFC 4514 form.</param>
/// <param name="RevokedSerials">Serial numbers as uppercase hex of their DER integer content (the form <c>X509Certificate2.SerialNumber</c> uses).</param>
public sealed record CertificateRevocationList(
    ReadOnlyMemory<byte> Der,
    SignedStructure Signed,
    ReadOnlyMemory<byte> IssuerDer,
    string Issuer,
    DateTimeOffset ThisUpdate,
    DateTimeOffset? NextUpdate,
    ImmutableArray<string> RevokedSerials)
{
    /// <summary>Reads a DER CRL (RFC 5280 CertificateList).</summary>
    /// <exception cref="AsnContentException">The bytes are not a CRL.</exception>
    public static CertificateRevocationList Parse(ReadOnlyMemory<byte> der)
    {
        var signed = SignedStructure.Read(der);
        var tbs = new AsnReader(signed.ToBeSigned, AsnEncodingRules.DER).ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        var issuer = tbs.ReadEncodedValue();
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        var serials = ImmutableArray.CreateBuilder<string>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                ReadTime(entry);
            }
        }

        return new CertificateRevocationList(der, signed, issuer, DistinguishedName.FromDer(issuer).ToString(), thisUpdate, nextUpdate, serials.ToImmutable());
    }

    /// <summary>The CRL as PEM text.</summary>
    public string ToPem() => new PemBlock(PemLabels.Crl, Der).ToPem();

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
