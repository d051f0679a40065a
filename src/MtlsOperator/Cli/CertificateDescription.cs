using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli;

/// <summary>How the CLI shows a certificate: its names, validity and pins in every spelling people paste (thumbprint, check).</summary>
internal static class CertificateDescription
{
    /// <summary>Subject, issuer, serial, validity, SHA-1 and SHA-256 (colon-separated uppercase and bare lowercase hex) and the SPKI pin.</summary>
    public static void Write(TextWriter output, X509Certificate2 c, string indent = "")
    {
        var f = CertificateFingerprints.Of(c);
        output.WriteLine($"{indent}subject:      {c.SubjectName.Name}");
        output.WriteLine($"{indent}issuer:       {c.IssuerName.Name}");
        output.WriteLine($"{indent}serial:       {c.SerialNumber}");
        output.WriteLine($"{indent}notBefore:    {Time(c.NotBefore)}");
        output.WriteLine($"{indent}notAfter:     {Time(c.NotAfter)}");
        output.WriteLine($"{indent}sha1:         {CertificateFingerprints.WithColons(f.Sha1)}");
        output.WriteLine($"{indent}              {f.Sha1}");
        output.WriteLine($"{indent}sha256:       {CertificateFingerprints.WithColons(f.Sha256)}");
        output.WriteLine($"{indent}              {f.Sha256}");
        output.WriteLine($"{indent}spki-sha256:  sha256/{f.SpkiSha256}");
    }

    /// <summary>The same facts as JSON, pins in every spelling.</summary>
    public static JsonObject Json(X509Certificate2 c)
    {
        var f = CertificateFingerprints.Of(c);
        return new JsonObject
        {
            ["subject"] = c.SubjectName.Name,
            ["issuer"] = c.IssuerName.Name,
            ["serial"] = c.SerialNumber,
            ["notBefore"] = Time(c.NotBefore),
            ["notAfter"] = Time(c.NotAfter),
            ["pins"] = new JsonObject
            {
                ["sha1"] = f.Sha1,
                ["sha1Colons"] = CertificateFingerprints.WithColons(f.Sha1),
                ["sha256"] = f.Sha256,
                ["sha256Colons"] = CertificateFingerprints.WithColons(f.Sha256),
                ["spkiSha256"] = "sha256/" + f.SpkiSha256,
            },
        };
    }

    public static string Time(DateTime local) => local.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
