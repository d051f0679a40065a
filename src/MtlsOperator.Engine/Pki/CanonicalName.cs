using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>An X.500 name in OpenSSL's canonical encoding, the form <c>X509_NAME_cmp</c> compares and <c>X509_NAME_hash</c>
/// hashes: the one name comparison of the engine. OpenSSL (inside HAProxy, nginx and Envoy) finds a certificate's issuer, a CRL's
/// CA and a name-constraint match by it, so the engine must too.</summary>
/// <remarks>
/// Each RDN is re-encoded as a DER SET OF (sorted) of (type, value); a value of a string type (UTF8String, PrintableString,
/// IA5String, VisibleString, T61String, BMPString, UniversalString) becomes a UTF8String with leading and trailing white space
/// removed, inner runs of white space collapsed to one space and ASCII letters lower-cased. Any other value (NumericString
/// included) keeps its encoding. The RDN encodings are concatenated without an outer SEQUENCE. A name whose DER cannot be read
/// gets a key that equals only the same bytes, so it never matches a well-formed name.
/// </remarks>
public sealed class CanonicalName : IEquatable<CanonicalName>
{
    private const byte MalformedMarker = 0xFF;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding s_ucs4 = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);
    private static readonly Encoding s_ucs2 = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    // A certificate's names never change, and the same (shared, see DecodedCertificates) CA certificate is asked about in every
    // evaluation; kept as long as the certificate lives.
    private static readonly ConditionalWeakTable<X509Certificate2, CanonicalName> s_subjects = new();
    private static readonly ConditionalWeakTable<X509Certificate2, CanonicalName> s_issuers = new();

    private readonly byte[] _encoding;

    private CanonicalName(byte[] encoding) => _encoding = encoding;

    /// <summary>The canonical encoding (OpenSSL's <c>canon_enc</c>).</summary>
    public ReadOnlySpan<byte> Encoding => _encoding;

    /// <summary>False for a name whose DER could not be read.</summary>
    public bool IsWellFormed => _encoding.Length == 0 || _encoding[0] != MalformedMarker;

    /// <summary>What <c>openssl x509 -subject_hash</c> prints for this name: the first four bytes of SHA-1 of the canonical
    /// encoding, little-endian, as eight hex digits.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "OpenSSL's subject-name hash (the c_rehash file names) is SHA-1 by definition: it names files and secures nothing.")]
    public string OpensslHash
    {
        get
        {
            var digest = SHA1.HashData(_encoding);
            return $"{digest[3]:x2}{digest[2]:x2}{digest[1]:x2}{digest[0]:x2}";
        }
    }

    /// <summary>The canonical form of a certificate's or CRL's name.</summary>
    public static CanonicalName Of(X500DistinguishedName name) => FromDer(name.RawData);

    /// <summary>The canonical form of <paramref name="certificate"/>'s subject, computed once per certificate instance.</summary>
    public static CanonicalName SubjectOf(X509Certificate2 certificate) => s_subjects.GetValue(certificate, static c => Of(c.SubjectName));

    /// <summary>The canonical form of <paramref name="certificate"/>'s issuer, computed once per certificate instance.</summary>
    public static CanonicalName IssuerOf(X509Certificate2 certificate) => s_issuers.GetValue(certificate, static c => Of(c.IssuerName));

    /// <summary>The canonical form of the DER encoding of a Name.</summary>
    public static CanonicalName FromDer(ReadOnlyMemory<byte> der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.BER);
            var name = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var output = new List<byte>();
            while (name.HasData)
            {
                var set = name.ReadSetOf(skipSortOrderValidation: true);
                var attributes = new List<(string Oid, ReadOnlyMemory<byte> Value)>();
                while (set.HasData)
                {
                    var ava = set.ReadSequence();
                    var oid = ava.ReadObjectIdentifier();
                    var value = ava.ReadEncodedValue();
                    ava.ThrowIfNotEmpty();
                    attributes.Add((oid, value));
                }

                output.AddRange(EncodeRdn(attributes));
            }

            return new CanonicalName([.. output]);
        }
        catch (Exception e) when (e is AsnContentException or DecoderFallbackException or ArgumentException or CryptographicException)
        {
            return new CanonicalName([MalformedMarker, .. der.Span]);
        }
    }

    /// <summary>The canonical form of a parsed DN (e.g. a rule's issuer), or null when it has wildcards or an attribute type
    /// without a known OID. String values count as any string type, as they do once canonical.</summary>
    public static CanonicalName? Of(DistinguishedName name)
    {
        var output = new List<byte>();
        foreach (var rdn in name.Rdns.Reverse())
        {
            var attributes = new List<(string Oid, ReadOnlyMemory<byte> Value)>();
            foreach (var attribute in rdn)
            {
                if (!attribute.Wildcards.IsDefaultOrEmpty || DnAttributeTypes.OidOf(attribute.Type) is not { } oid)
                {
                    return null;
                }

                ReadOnlyMemory<byte> value;
                if (attribute.IsDerHex)
                {
                    value = Convert.FromHexString(attribute.Value);
                }
                else
                {
                    var writer = new AsnWriter(AsnEncodingRules.DER);
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, attribute.Value);
                    value = writer.Encode();
                }

                attributes.Add((oid, value));
            }

            try
            {
                output.AddRange(EncodeRdn(attributes));
            }
            catch (Exception e) when (e is AsnContentException or DecoderFallbackException or ArgumentException or CryptographicException)
            {
                return null;
            }
        }

        return new CanonicalName([.. output]);
    }

    /// <summary>True when both are the same name as OpenSSL compares names.</summary>
    public static bool Same(X500DistinguishedName a, X500DistinguishedName b) => Of(a).Equals(Of(b));

    /// <summary>True when this name lies in the directory subtree <paramref name="subtree"/>: its leading RDNs (most significant
    /// first) are those of <paramref name="subtree"/>, as OpenSSL checks a directoryName name constraint (a prefix of the canonical
    /// encoding). Every name lies in the empty subtree.</summary>
    public bool IsWithin(CanonicalName subtree) =>
        IsWellFormed && subtree.IsWellFormed && _encoding.AsSpan().StartsWith(subtree._encoding);

    public bool Equals(CanonicalName? other) => other is not null && _encoding.AsSpan().SequenceEqual(other._encoding);

    public override bool Equals(object? obj) => Equals(obj as CanonicalName);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_encoding);
        return hash.ToHashCode();
    }

    private static byte[] EncodeRdn(List<(string Oid, ReadOnlyMemory<byte> Value)> attributes)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSetOf())
        {
            foreach (var (oid, value) in attributes)
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteEncodedValue(CanonicalValue(value).Span);
                }
            }
        }

        return writer.Encode();
    }

    private static ReadOnlyMemory<byte> CanonicalValue(ReadOnlyMemory<byte> encoded)
    {
        var tag = Asn1Tag.Decode(encoded.Span, out _);
        if (tag.TagClass != TagClass.Universal || tag.IsConstructed)
        {
            return encoded;
        }

        AsnDecoder.ReadEncodedValue(encoded.Span, AsnEncodingRules.BER, out var contentOffset, out var contentLength, out _);
        var content = encoded.Span.Slice(contentOffset, contentLength).ToArray();
        string? text = (UniversalTagNumber)tag.TagValue switch
        {
            UniversalTagNumber.UTF8String => s_strictUtf8.GetString(content),
            // OpenSSL reads these one byte per character (T61String included) before converting to UTF-8.
            UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String or UniversalTagNumber.VisibleString or UniversalTagNumber.T61String
                => System.Text.Encoding.Latin1.GetString(content),
            UniversalTagNumber.BMPString => s_ucs2.GetString(content),
            UniversalTagNumber.UniversalString => s_ucs4.GetString(content),
            _ => null,
        };
        if (text is null)
        {
            return encoded;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        // Only ASCII bytes change, so the result is still UTF-8.
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, s_strictUtf8.GetString(Canonicalize(s_strictUtf8.GetBytes(text))));
        return writer.Encode();
    }

    /// <summary>OpenSSL's <c>asn1_string_canon</c> on UTF-8 bytes: trim and collapse white space, lower-case ASCII.</summary>
    private static byte[] Canonicalize(byte[] utf8)
    {
        var start = 0;
        var end = utf8.Length;
        while (start < end && IsSpace(utf8[start]))
        {
            start++;
        }

        while (end > start && IsSpace(utf8[end - 1]))
        {
            end--;
        }

        var output = new List<byte>(end - start);
        for (var i = start; i < end; i++)
        {
            var b = utf8[i];
            if (IsSpace(b))
            {
                output.Add((byte)' ');
                while (i + 1 < end && IsSpace(utf8[i + 1]))
                {
                    i++;
                }
            }
            else
            {
                output.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
            }
        }

        return [.. output];
    }

    /// <summary>OpenSSL's <c>ossl_isspace</c>: space, tab, newline, vertical tab, form feed, carriage return.</summary>
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or 0x0B or 0x0C or (byte)'\r';
}
