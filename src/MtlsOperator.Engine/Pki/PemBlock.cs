using System.Security.Cryptography;
using System.Text;

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
                blocks.Add(new PemBlock(candidate[fields.Label].ToString(), Convert.FromBase64String(candidate[fields.Base64Data].ToString())));
            }

            position = stop;
        }

        return blocks;
    }

    /// <summary>True when <paramref name="bytes"/> look like PEM text rather than DER (DER starts with a SEQUENCE tag).</summary>
    public static bool LooksLikePem(ReadOnlySpan<byte> bytes) => bytes.Length > 0 && bytes[0] != 0x30;

    /// <summary>The block as PEM text with a trailing newline.</summary>
    public string ToPem() => new string(PemEncoding.Write(Label, Der.Span)) + "\n";

    /// <summary>Concatenation of blocks as one PEM document.</summary>
    public static string Join(IEnumerable<PemBlock> blocks)
    {
        var sb = new StringBuilder();
        foreach (var b in blocks)
        {
            sb.Append(b.ToPem());
        }

        return sb.ToString();
    }
}
