using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>Why a <c>tls.key</c> value could not yield exactly one usable private key.</summary>
public enum PrivateKeyRefusal
{
    None,
    Missing,
    Encrypted,
    Several,
    UnsupportedFormat,
}

/// <summary>The one private key block found in a <c>tls.key</c> value (PKCS#8, PKCS#1 or SEC1), or why there is none.</summary>
/// <param name="Block">The key block alone, without companions such as <c>EC PARAMETERS</c>.</param>
/// <param name="Refusal">Why no key was taken.</param>
/// <param name="Label">The PEM label that caused a refusal, if one did.</param>
public sealed record PrivateKeyPem(PemBlock? Block, PrivateKeyRefusal Refusal, string? Label = null)
{
    public const string Pkcs8Label = "PRIVATE KEY";
    public const string Pkcs1Label = "RSA PRIVATE KEY";
    public const string Sec1Label = "EC PRIVATE KEY";

    private static readonly string[] s_plainLabels = [Pkcs8Label, Pkcs1Label, Sec1Label];
    private static readonly string[] s_foreignLabels = ["OPENSSH PRIVATE KEY", "DSA PRIVATE KEY", "PUTTY PRIVATE KEY"];

    /// <summary>Reads <paramref name="data"/>: PEM text, or DER taken as PKCS#8. Never throws.</summary>
    public static PrivateKeyPem Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return new PrivateKeyPem(null, PrivateKeyRefusal.Missing);
        }

        if (!PemBlock.LooksLikePem(data))
        {
            return new PrivateKeyPem(new PemBlock(Pkcs8Label, data.ToArray()), PrivateKeyRefusal.None);
        }

        var text = Encoding.UTF8.GetString(data);
        // RFC 1421 encryption headers make the block unreadable to PemEncoding, so look for them in the text itself.
        if (text.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.OrdinalIgnoreCase))
        {
            return new PrivateKeyPem(null, PrivateKeyRefusal.Encrypted, "Proc-Type: 4,ENCRYPTED");
        }

        var blocks = PemBlocks(text);
        if (blocks.FirstOrDefault(b => b.Label == "ENCRYPTED PRIVATE KEY") is { } encrypted)
        {
            return new PrivateKeyPem(null, PrivateKeyRefusal.Encrypted, encrypted.Label);
        }

        var keys = blocks.Where(b => s_plainLabels.Contains(b.Label)).ToList();
        if (keys.Count > 1)
        {
            return new PrivateKeyPem(null, PrivateKeyRefusal.Several);
        }

        if (keys.Count == 1)
        {
            return new PrivateKeyPem(keys[0], PrivateKeyRefusal.None);
        }

        var foreign = s_foreignLabels.FirstOrDefault(l => text.Contains("-----BEGIN " + l + "-----", StringComparison.Ordinal));
        return foreign is not null
            ? new PrivateKeyPem(null, PrivateKeyRefusal.UnsupportedFormat, foreign)
            : new PrivateKeyPem(null, PrivateKeyRefusal.Missing);
    }

    private static IReadOnlyList<PemBlock> PemBlocks(string text)
    {
        try
        {
            return PemBlock.ReadAll(text);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
