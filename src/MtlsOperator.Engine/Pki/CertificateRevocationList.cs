using System.Collections.Immutable;
using System.Formats.Asn1;

namespace MtlsOperator.Engine.Pki;

/// <summary>An X.509 CRL as read from its DER: who issued it, when, until when, which serial numbers it revokes, and what its
/// extensions say (CRL Number, delta, issuing distribution point, critical extensions).</summary>
/// <param name="Der">The whole CRL, to be re-emitted as PEM.</param>
/// <param name="Structure">The signed parts, for checking the signature against the issuer's key.</param>
/// <param name="IssuerDer">DER of the issuer Name.</param>
/// <param name="Issuer">The issuer in RFC 4514 form.</param>
/// <param name="RevokedSerials">Serial numbers the CRL revokes, as uppercase hex of their DER integer content (the form
/// <c>X509Certificate2.SerialNumber</c> uses). Entries with reason <c>removeFromCRL</c> revoke nothing and are in <see cref="RemovedSerials"/>.</param>
public sealed record CertificateRevocationList(
    ReadOnlyMemory<byte> Der,
    SignedStructure Structure,
    ReadOnlyMemory<byte> IssuerDer,
    string Issuer,
    DateTimeOffset ThisUpdate,
    DateTimeOffset? NextUpdate,
    ImmutableArray<string> RevokedSerials)
{
    private const int RemoveFromCrl = 8;

    /// <summary>The CRL's extensions.</summary>
    public CrlExtensions Extensions { get; init; } = CrlExtensions.None;

    /// <summary>Serials listed with reason <c>removeFromCRL</c> (in a delta CRL: no longer on hold). OpenSSL does not treat them as revoked.</summary>
    public ImmutableArray<string> RemovedSerials { get; init; } = [];

    /// <summary>Every entry with its revocation date and reason code (-1 when it has none), in CRL order.</summary>
    public ImmutableArray<CrlEntry> Entries { get; init; } = [];

    /// <summary>True when an entry carries a Certificate Issuer extension, i.e. revokes certificates of another CA (an indirect CRL).</summary>
    public bool NamesOtherIssuers { get; init; }

    /// <summary>Reads a DER CRL (RFC 5280 CertificateList).</summary>
    /// <exception cref="AsnContentException">The bytes are not a CRL, or an extension is malformed or repeated.</exception>
    public static CertificateRevocationList Parse(ReadOnlyMemory<byte> der)
    {
        var signed = SignedStructure.Read(der);
        var outer = new AsnReader(signed.ToBeSigned, AsnEncodingRules.DER);
        var tbs = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence();
        var issuer = tbs.ReadEncodedValue();
        var thisUpdate = ReadTime(tbs);
        DateTimeOffset? nextUpdate = tbs.HasData && IsTime(tbs.PeekTag()) ? ReadTime(tbs) : null;
        var revoked = ImmutableArray.CreateBuilder<string>();
        var removed = ImmutableArray.CreateBuilder<string>();
        var all = ImmutableArray.CreateBuilder<CrlEntry>();
        var entryCritical = new List<string>();
        var namesOtherIssuers = false;
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                var serial = Convert.ToHexString(entry.ReadIntegerBytes().Span);
                var revokedAt = ReadTime(entry);
                var reason = -1;
                if (entry.HasData)
                {
                    foreach (var (oid, critical, value) in CrlExtensions.ReadAll(entry.ReadSequence()))
                    {
                        reason = oid == CrlExtensions.ReasonCodeOid ? ReadReason(value) : reason;
                        namesOtherIssuers |= oid == CrlExtensions.CertificateIssuerOid;
                        if (critical && oid != CrlExtensions.CertificateIssuerOid)
                        {
                            entryCritical.Add(oid);
                        }
                    }
                }

                entry.ThrowIfNotEmpty();
                (reason == RemoveFromCrl ? removed : revoked).Add(serial);
                all.Add(new CrlEntry(serial, revokedAt, reason));
            }
        }

        var extensions = CrlExtensions.None;
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            var wrapper = tbs.ReadSequence(extensionsTag);
            extensions = CrlExtensions.Read(wrapper.ReadSequence());
            wrapper.ThrowIfNotEmpty();
        }

        tbs.ThrowIfNotEmpty();
        if (entryCritical.Count > 0)
        {
            extensions = extensions with { UnhandledCritical = [.. extensions.UnhandledCritical.Union(entryCritical)] };
        }

        return new CertificateRevocationList(der, signed, issuer, DistinguishedName.FromDer(issuer).ToString(), thisUpdate, nextUpdate, revoked.ToImmutable())
        {
            Extensions = extensions,
            RemovedSerials = removed.ToImmutable(),
            Entries = all.ToImmutable(),
            NamesOtherIssuers = namesOtherIssuers,
        };
    }

    /// <summary>The CRL as PEM text.</summary>
    public string ToPem() => new PemBlock(PemLabels.Crl, Der).ToPem();

    private static int ReadReason(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var reason = reader.ReadEnumeratedBytes();
        reader.ThrowIfNotEmpty();
        return reason.Length == 1 ? reason.Span[0] : -1;
    }

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}

/// <summary>One entry of a CRL.</summary>
/// <param name="Serial">Uppercase hex of the serial's DER integer content.</param>
/// <param name="RevokedAt">The entry's revocationDate.</param>
/// <param name="Reason">The CRLReason code (RFC 5280 §5.3.1), or -1 without a reasonCode extension.</param>
public sealed record CrlEntry(string Serial, DateTimeOffset RevokedAt, int Reason);
