using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>The certificates in a PEM (or single DER) value such as <c>tls.crt</c>, and what else it held that is not a certificate.</summary>
/// <param name="Certificates">Parsed certificates in the order written.</param>
/// <param name="Junk">One sentence fragment per thing that is not a usable certificate; never quotes content.</param>
public sealed record CertificateBundle(ImmutableArray<X509Certificate2> Certificates, ImmutableArray<string> Junk)
{
    private const string CertificateLabel = "CERTIFICATE";

    /// <summary>Reads <paramref name="data"/>. Never throws.</summary>
    public static CertificateBundle Read(byte[] data)
    {
        var content = PemOrDer.Read(data, CertificateLabel);
        if (content.Error is { } error)
        {
            return new CertificateBundle([], ["the value " + error]);
        }

        var certificates = ImmutableArray.CreateBuilder<X509Certificate2>();
        var junk = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < content.Objects.Count; i++)
        {
            // Readers tell a repeated certificate from the one in use by reference ("appears more than once"), so a repeat within
            // one value gets an instance of its own rather than the shared one.
            var der = content.Objects[i];
            var repeat = content.Objects.Take(i).Any(earlier => earlier.Span.SequenceEqual(der.Span));
            var loaded = repeat ? CertificateDecoding.TryLoadUnshared(der.Span, out var problem) : CertificateDecoding.TryLoad(der.Span, out problem);
            if (loaded is { } certificate)
            {
                certificates.Add(certificate);
            }
            else
            {
                junk.Add($"certificate {certificates.Count + junk.Count + 1} {problem}");
            }
        }

        junk.AddRange(content.OtherLabels.Select(label => $"a {DescribeLabel(label)} block is not a certificate"));
        return new CertificateBundle(certificates.ToImmutable(), junk.ToImmutable());
    }

    // Labels come from user input; keep only a short, printable form so a status message cannot be stuffed with arbitrary text.
    private static string DescribeLabel(string label) =>
        label.Length <= 40 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_') ? label : "non-certificate";
}
