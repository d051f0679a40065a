using System.Security.Cryptography;

namespace MtlsOperator.Engine.Pki;

/// <summary>One PEM block: its label (<c>CERTIFICATE</c>, <c>X509 CRL</c>, <c>PRIVATE KEY</c>...) and the DER bytes.</summary>
public sealed record PemBlock(string Label, ReadOnlyMemory<byte> Der)
{
    private const string BeginMarker = "-----BEGIN ";
    private const string EndMarker = "-----END ";

    /// <summary>Every well-formed PEM block in <paramref name="text"/>, in order; text between blocks is ignored, as openssl does.</summary>
    /// <remarks>Linear in the text: each BEGIN is handed to <see cref="PemEncoding"/> with only the text up to its END line, so a run of
    /// BEGIN lines without END lines cannot make every search rescan the rest of the text.</remarks>
    public static IReadOnlyList<PemBlock> ReadAll(string text)
    {
        var blocks = new List<PemBlock>();
        var position = 0;
        var nextEnd = -1;
        int begin;
        while ((begin = text.IndexOf(BeginMarker, position, StringComparison.Ordinal)) >= 0)
        {
            if (nextEnd < begin)
            {
                nextEnd = text.IndexOf(EndMarker, begin, StringComparison.Ordinal);
                if (nextEnd < 0)
                {
                    break;
                }
            }

            var from = begin + BeginMarker.Length;
            var nextBegin = nextEnd > from ? text.IndexOf(BeginMarker, from, nextEnd - from, StringComparison.Ordinal) : -1;
            if (nextBegin >= 0)
            {
                // Another block starts before this one ends: this one is damaged, the caller counts it as missing.
                position = nextBegin;
                continue;
            }

            var lineEnd = text.IndexOf('\n', nextEnd);
            var stop = lineEnd < 0 ? text.Length : lineEnd;
            var candidate = text.AsSpan(begin, stop - begin);
            if (PemEncoding.TryFind(candidate, out var fields))
            {
                // Decoded from the text in place (no copy of the base64 as a string); PemEncoding has checked it is base64.
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(candidate[fields.Base64Data], der, out var written) || written != der.Length)
                {
                    throw new FormatException("PEM block whose base64 PemEncoding accepted did not decode");
                }

                blocks.Add(new PemBlock(LabelOf(candidate[fields.Label]), der));
            }

            position = stop;
        }

        return blocks;
    }

    /// <summary>True when <paramref name="bytes"/> look like PEM text rather than DER (DER starts with a SEQUENCE tag).</summary>
    public static bool LooksLikePem(ReadOnlySpan<byte> bytes) => bytes.Length > 0 && bytes[0] != 0x30;

    /// <summary>The block as PEM text with a trailing newline.</summary>
    public string ToPem() => Join([this]);

    /// <summary>Concatenation of blocks as one PEM document, each with a trailing newline.</summary>
    public static string Join(IEnumerable<PemBlock> blocks)
    {
        var list = blocks as IReadOnlyList<PemBlock> ?? [.. blocks];
        var length = 0;
        foreach (var b in list)
        {
            length += PemEncoding.GetEncodedSize(b.Label.Length, b.Der.Length) + 1;
        }

        // Written once into the string itself: no text per block, no builder.
        return string.Create(length, list, static (chars, blocks) =>
        {
            foreach (var b in blocks)
            {
                if (!PemEncoding.TryWrite(b.Label, b.Der.Span, chars, out var written))
                {
                    throw new InvalidOperationException("PEM text longer than PemEncoding.GetEncodedSize said");
                }

                chars[written] = '\n';
                chars = chars[(written + 1)..];
            }
        });
    }

    // The labels every Secret and bundle repeats share one string each.
    private static string LabelOf(ReadOnlySpan<char> label) => label switch
    {
        "CERTIFICATE" => "CERTIFICATE",
        "PRIVATE KEY" => "PRIVATE KEY",
        "EC PRIVATE KEY" => "EC PRIVATE KEY",
        "RSA PRIVATE KEY" => "RSA PRIVATE KEY",
        "X509 CRL" => "X509 CRL",
        _ => label.ToString(),
    };
}
