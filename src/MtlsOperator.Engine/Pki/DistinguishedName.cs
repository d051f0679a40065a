using System.Collections.Immutable;
using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>One attribute of a relative distinguished name: its short name (or dotted OID) and its value as text.</summary>
/// <param name="Type">Short name as OpenSSL prints it (<c>CN</c>, <c>O</c>, <c>emailAddress</c>) or a dotted OID.</param>
/// <param name="Value">The decoded value, or for <paramref name="IsDerHex"/> the uppercase hex of the value's DER.</param>
/// <param name="IsDerHex">True for a value without a text form, printed <c>#HEX</c> as OpenSSL does.</param>
public sealed record DnAttribute(string Type, string Value, bool IsDerHex = false)
{
    /// <summary>In a match pattern: the offsets in <see cref="Value"/> where a wildcard (an unescaped <c>*</c>) stands, ascending.
    /// Every <c>*</c> inside <see cref="Value"/> itself is a literal asterisk. Empty for names read from certificates.</summary>
    public ImmutableArray<int> Wildcards { get; init; } = [];

    /// <summary>The attribute as RFC 4514 text, e.g. <c>CN=a\,b</c>, as OpenSSL prints it (wildcards are not shown).</summary>
    public override string ToString() => Type + "=" + (IsDerHex ? "#" + Value : DnValueEscaping.Escape(Value));

    /// <summary>The attribute as pattern text that parses back to itself: a literal asterisk as <c>\*</c>, a wildcard as <c>*</c>.</summary>
    public string ToPatternText() => Type + "=" + (IsDerHex ? "#" + Value : DnValueEscaping.EscapePattern(Value, Wildcards.IsDefault ? [] : Wildcards));
}

/// <summary>An X.500 name in the RFC 4514 form OpenSSL prints with <c>-nameopt RFC2253</c> and nginx exposes as
/// <c>$ssl_client_s_dn</c>: most specific RDN first, <c>,</c> between RDNs with no space, <c>+</c> inside one.</summary>
public sealed record DistinguishedName(ImmutableArray<ImmutableArray<DnAttribute>> Rdns)
{
    private static readonly Encoding s_ucs4 = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    /// <summary>The canonical RFC 4514 text, e.g. <c>CN=client,O=Example</c>.</summary>
    public override string ToString() =>
        string.Join(',', Rdns.Select(rdn => string.Join('+', rdn)));

    /// <summary>Pattern text that parses back to this name (with wildcards): literal asterisks are written <c>\*</c>.
    /// For a name without <c>*</c> it equals <see cref="ToString"/>.</summary>
    public string ToPatternText() =>
        string.Join(',', Rdns.Select(rdn => string.Join('+', rdn.Select(a => a.ToPatternText()))));

    /// <summary>Reads the DER encoding of a Name (most significant RDN first, as certificates store it).</summary>
    /// <exception cref="AsnContentException">The bytes are not a Name.</exception>
    public static DistinguishedName FromDer(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var name = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var rdns = new List<ImmutableArray<DnAttribute>>();
        while (name.HasData)
        {
            var set = name.ReadSetOf(skipSortOrderValidation: true);
            var attributes = ImmutableArray.CreateBuilder<DnAttribute>();
            while (set.HasData)
            {
                var ava = set.ReadSequence();
                var oid = ava.ReadObjectIdentifier();
                var value = ava.ReadEncodedValue();
                ava.ThrowIfNotEmpty();
                attributes.Add(DecodeValue(DnAttributeTypes.ShortNameOf(oid), value));
            }

            // OpenSSL's RFC 2253 printer reverses its flat list of entries, so the attributes of a multi-valued RDN come out
            // in reverse DER order too.
            attributes.Reverse();
            rdns.Add(attributes.ToImmutable());
        }

        rdns.Reverse();
        return new DistinguishedName([.. rdns]);
    }

    /// <summary>The canonical text of a certificate's subject or issuer.</summary>
    public static string Format(X500DistinguishedName name) => FromDer(name.RawData).ToString();

    /// <summary>Parses RFC 4514 text as people write it (<c>CN=x, O=y</c>, long attribute names, escapes, quoted values).</summary>
    /// <param name="text">The DN text.</param>
    /// <param name="allowWildcards">Whether <c>*</c> may appear in values (match patterns); otherwise it is refused so it is never mistaken for one.</param>
    /// <param name="error">When parsing fails: a sentence saying what is wrong and how to write it.</param>
    public static bool TryParse(string text, bool allowWildcards, out DistinguishedName? name, out string? error) =>
        DnTextParser.TryParse(text, allowWildcards, out name, out error);

    private static DnAttribute DecodeValue(string type, ReadOnlyMemory<byte> encoded)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        var tag = reader.PeekTag();
        if (tag.TagClass == TagClass.Universal)
        {
            try
            {
                switch ((UniversalTagNumber)tag.TagValue)
                {
                    case UniversalTagNumber.UTF8String:
                    case UniversalTagNumber.PrintableString:
                    case UniversalTagNumber.IA5String:
                    case UniversalTagNumber.BMPString:
                    case UniversalTagNumber.VisibleString:
                    case UniversalTagNumber.NumericString:
                        return new DnAttribute(type, reader.ReadCharacterString((UniversalTagNumber)tag.TagValue));
                    case UniversalTagNumber.UniversalString:
                        // System.Formats.Asn1 has no UniversalString decoder: UCS-4, big-endian.
                        AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.BER, out var at, out var size, out _);
                        return new DnAttribute(type, s_ucs4.GetString(encoded.Span.Slice(at, size)));
                    case UniversalTagNumber.T61String:
                        // OpenSSL prints T61String bytes as Latin-1, and so do the proxies.
                        AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.BER, out var offset, out var length, out _);
                        return new DnAttribute(type, Encoding.Latin1.GetString(encoded.Span.Slice(offset, length)));
                }
            }
            catch (Exception e) when (e is AsnContentException or ArgumentException)
            {
                // A mis-encoded string (including invalid UCS-4, which the strict decoder refuses) is shown the way OpenSSL shows values it cannot print: as hex of its DER.
            }
        }

        return new DnAttribute(type, Convert.ToHexString(encoded.Span), IsDerHex: true);
    }
}
