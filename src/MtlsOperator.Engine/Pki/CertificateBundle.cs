using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>The certificates in a PEM (or single DER) value such as <c>tls.crt</c>, and what else it held that is not a certificate.</summary>
/// <param name="Certificates">Parsed certificates in the order written.</param>
/// <param name="Junk">One sentence fragment per block that is not a usable certificate; never quotes the block's content.</param>
public sealed record CertificateBundle(ImmutableArray<X509Certificate2> Certificates, ImmutableArray<string> Junk)
{
    private const string CertificateLabel = "CERTIFICATE";

    /// <summary>Reads <paramref name="data"/>. Never throws.</summary>
    public static CertificateBundle Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return new CertificateBundle([], []);
        }

        if (!PemBlock.LooksLikePem(data))
        {
            return TryLoad(data.ToArray()) is { } single
                ? new CertificateBundle([single], [])
                : new CertificateBundle([], ["the value is neither PEM text nor a DER certificate"]);
        }

        IReadOnlyList<PemBlock> blocks;
        try
        {
            blocks = PemBlock.ReadAll(Encoding.UTF8.GetString(data));
        }
        catch (FormatException)
        {
            return new CertificateBundle([], ["a PEM block has invalid base64 content"]);
        }

        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        var junk = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            if (block.Label != CertificateLabel)
            {
                junk.Add($"block {i + 1} is a {DescribeLabel(block.Label)} block, not a CERTIFICATE");
            }
            else if (TryLoad(block.Der.ToArray()) is { } certificate)
            {
                certificates.Add(certificate);
            }
            else
            {
                junk.Add($"block {i + 1} is labelled CERTIFICATE but is not a valid X.509 certificate");
            }
        }

        if (blocks.Count == 0)
        {
            junk.Add("no PEM block was found");
        }

        return new CertificateBundle(certificates.ToImmutable(), junk.ToImmutable());
    }

    // Labels come from user input; keep only a short, printable form so a status message cannot be stuffed with arbitrary text.
    private static string DescribeLabel(string label) =>
        label.Length <= 40 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_') ? label : "non-certificate";

    private static X509Certificate2? TryLoad(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
