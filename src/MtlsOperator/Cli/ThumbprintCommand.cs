using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli;

/// <summary><c>thumbprint</c>: the identifiers of each certificate in PEM or DER files, in the spellings a ClientAuthPolicy accepts.</summary>
internal sealed class ThumbprintCommand(TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
        usage: mtls-operator thumbprint FILE [FILE ...]   (PEM with one or more certificates, or DER)
               mtls-operator thumbprint --connect HOST:PORT [--sni NAME] [--tls 1.2|1.3] [--timeout DURATION]
                 every certificate the endpoint serves (a load balancer's included), leaf first, with its pins
        """;

    public int Run(IReadOnlyList<string> args)
    {
        if (args.Any(a => a == "--connect" || a.StartsWith("--connect=", StringComparison.Ordinal)))
        {
            return new Check.ServedThumbprints(stdout, stderr).Run(args);
        }

        if (args.Count == 0 || args.Any(a => a.StartsWith('-')))
        {
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var exit = ExitCodes.Ok;
        foreach (var file in args)
        {
            IReadOnlyList<X509Certificate2> certificates;
            try
            {
                certificates = Load(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or FormatException)
            {
                stderr.WriteLine($"error: {file}: {e.Message}");
                exit = ExitCodes.BadInput;
                continue;
            }

            if (certificates.Count == 0)
            {
                stderr.WriteLine($"error: {file}: no certificate found (expected PEM 'BEGIN CERTIFICATE' blocks or one DER certificate)");
                exit = ExitCodes.BadInput;
            }

            foreach (var c in certificates)
            {
                Print(file, c);
            }
        }

        return exit;
    }

    private static List<X509Certificate2> Load(byte[] bytes)
    {
        if (!PemBlock.LooksLikePem(bytes))
        {
            return [X509CertificateLoader.LoadCertificate(bytes)];
        }

        return PemBlock.ReadAll(System.Text.Encoding.UTF8.GetString(bytes))
            .Where(b => b.Label == "CERTIFICATE")
            .Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span))
            .ToList();
    }

    private void Print(string file, X509Certificate2 c)
    {
        var f = CertificateFingerprints.Of(c);
        stdout.WriteLine($"# {file}");
        CertificateDescription.Write(stdout, c);
        stdout.WriteLine("# paste into ClientAuthPolicy spec.pins:");
        stdout.WriteLine($"#   - sha256: \"{f.Sha256}\"");
        stdout.WriteLine($"#   - spkiSha256: \"sha256/{f.SpkiSha256}\"");
        stdout.WriteLine($"#   - sha1: \"{f.Sha1}\"");
        stdout.WriteLine();
    }
}
