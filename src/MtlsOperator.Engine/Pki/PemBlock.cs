using System.Security.Cryptography;
using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>One PEM block: its label (<c>CERTIFICATE</c>, <c>X509 CRL</c>, <c>PRIVATE KEY</c>...) and the DER bytes.</summary>
public sealed record PemBlock(string Label, ReadOnlyMemory<byte> Der)
{
    /// <summary>Every well-formed PEM block in <paramref name="text"/>, in order; text between blocks is ignored, as openssl does.</summary>
    public static IReadOnlyList<PemBlock> ReadAll(string text)
    {
        var blocks = new List<PemBlock>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            blocks.Add(new PemBlock(label, der));
            rest = rest[fields.Location.End..];
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
