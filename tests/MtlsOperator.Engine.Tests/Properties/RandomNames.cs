using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Engine.Tests.Properties;

/// <summary>One attribute of a generated name: type OID, ASN.1 string tag and value.</summary>
public sealed record NameValue(string Oid, UniversalTagNumber Tag, string Value);

/// <summary>Random X.500 names for property tests: several RDNs, sometimes multi-valued, string types of every kind OpenSSL
/// canonicalizes except VisibleString (and NumericString, which it does not canonicalize), values with escapable characters, white space runs and non-ASCII.</summary>
public static class RandomNames
{
    private static readonly string[] s_types = ["2.5.4.3", "2.5.4.10", "2.5.4.11", "2.5.4.7", "2.5.4.8", "0.9.2342.19200300.100.1.1", "2.5.4.5"];
    private const string Ascii = "abcdefxyzABCDEFXYZ0123456789 -._@:/'()=?";
    private const string Special = ",+\"\\<>;#=*";
    private const string Latin1 = "éüßÄñ";
    private const string Wide = "中Жλ";
    private const string Astral = "😀";
    private const string Printable = "abcxyzABCXYZ0123456789 '()+,-./:=?";

    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A name in DER order (most significant RDN first), 1-4 RDNs.</summary>
    public static List<List<NameValue>> Name(Random random)
    {
        var rdns = new List<List<NameValue>>();
        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var rdn = new List<NameValue>();
            foreach (var oid in s_types.OrderBy(_ => random.Next()).Take(random.Next(6) == 0 ? 2 : 1))
            {
                rdn.Add(Attribute(random, oid));
            }

            rdns.Add(rdn);
        }

        return rdns;
    }

    /// <summary>A value and the most permissive tag that can hold it.</summary>
    public static NameValue Attribute(Random random, string oid)
    {
        var kind = random.Next(10);
        var sb = new StringBuilder();
        var alphabet = kind switch
        {
            0 => Printable,
            1 => Ascii + Special + "\t",
            2 => Ascii + Latin1,
            3 => Ascii + Wide,
            4 => "0123456789 ",
            _ => Ascii + Special + Latin1 + Wide + Astral + "  \t",
        };
        var length = random.Next(1, 11);
        while (sb.Length < length)
        {
            var c = alphabet[random.Next(alphabet.Length)];
            sb.Append(char.IsHighSurrogate(c) ? Astral : c.ToString());
        }

        var value = sb.ToString();
        var tag = kind switch
        {
            // No VisibleString: the .NET certificate loader rejects some valid ones (a value with a space), so none can be generated.
            0 => random.Next(2) == 0 ? UniversalTagNumber.PrintableString : UniversalTagNumber.UTF8String,
            1 => UniversalTagNumber.IA5String,
            2 => random.Next(2) == 0 ? UniversalTagNumber.T61String : UniversalTagNumber.BMPString,
            3 => UniversalTagNumber.BMPString,
            4 => UniversalTagNumber.NumericString,
            _ => random.Next(4) == 0 ? UniversalTagNumber.UniversalString : UniversalTagNumber.UTF8String,
        };
        return new NameValue(oid, tag, value);
    }

    /// <summary>The same name as OpenSSL compares names: ASCII case flipped, white space stretched (spaces to tabs, runs, ends),
    /// string types swapped for another that holds the value, multi-valued RDNs reordered. NumericString values stay as they are.</summary>
    public static List<List<NameValue>> Variant(Random random, List<List<NameValue>> name) =>
        [.. name.Select(rdn => rdn.Select(a => a.Tag == UniversalTagNumber.NumericString ? a : VariantOf(random, a)).OrderBy(_ => random.Next()).ToList())];

    private static NameValue VariantOf(Random random, NameValue a)
    {
        var sb = new StringBuilder();
        foreach (var c in a.Value)
        {
            if (char.IsAsciiLetter(c) && random.Next(2) == 0)
            {
                sb.Append(char.IsAsciiLetterUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            }
            else if (c is ' ' or '\t' && random.Next(2) == 0)
            {
                sb.Append(random.Next(2) == 0 ? "\t " : "  ");
            }
            else
            {
                sb.Append(c);
            }
        }

        var value = (random.Next(4) == 0 ? " " : "") + sb + (random.Next(4) == 0 ? "\t" : "");
        var tags = new[] { UniversalTagNumber.UTF8String, UniversalTagNumber.UniversalString, UniversalTagNumber.BMPString, UniversalTagNumber.T61String,
            UniversalTagNumber.IA5String, UniversalTagNumber.PrintableString }.Where(t => Holds(t, value)).ToList();
        return a with { Value = value, Tag = tags[random.Next(tags.Count)] };
    }

    /// <summary>Whether <paramref name="tag"/> can carry <paramref name="value"/> (one byte per character for the 8-bit types).</summary>
    public static bool Holds(UniversalTagNumber tag, string value) => tag switch
    {
        UniversalTagNumber.PrintableString => value.All(Printable.Contains),
        UniversalTagNumber.IA5String => value.All(c => c < 0x80),
        UniversalTagNumber.T61String => value.All(c => c < 0x100),
        UniversalTagNumber.BMPString => !value.Any(char.IsSurrogate),
        _ => true,
    };

    /// <summary>The DER of the name; each SET OF sorted as DER requires.</summary>
    public static byte[] Der(List<List<NameValue>> name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var rdn in name)
            {
                using (writer.PushSetOf())
                {
                    foreach (var a in rdn)
                    {
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(a.Oid);
                            writer.WriteEncodedValue(ValueTlv(a));
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>A self-signed certificate with this subject (and issuer).</summary>
    public static X509Certificate2 Certificate(List<List<NameValue>> name)
    {
        var request = new CertificateRequest(new X500DistinguishedName(Der(name)), s_key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static byte[] ValueTlv(NameValue a)
    {
        var content = a.Tag switch
        {
            UniversalTagNumber.UTF8String => Encoding.UTF8.GetBytes(a.Value),
            UniversalTagNumber.BMPString => Encoding.BigEndianUnicode.GetBytes(a.Value),
            UniversalTagNumber.UniversalString => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(a.Value),
            _ => Encoding.Latin1.GetBytes(a.Value),
        };
        var length = content.Length < 0x80 ? [(byte)content.Length] : new[] { (byte)0x81, (byte)content.Length };
        return [(byte)a.Tag, .. length, .. content];
    }
}
