namespace TestPki;

/// <summary>A small CA made and run with the openssl CLI (a root and an issuing intermediate), signing certificate signing
/// requests the way a user's CA does: <c>openssl x509 -req</c>, copying the requested extensions or imposing its own.</summary>
public sealed class OpensslCsrSigner : IDisposable
{
    private readonly TempDirectory _dir = new();
    private int _serial;

    public OpensslCsrSigner(string rootSubject = "/C=US/O=Example Corp/CN=Example Corp Root CA", string issuingSubject = "/C=US/O=Example Corp/CN=Example Corp Issuing CA")
    {
        Run("genpkey", "-quiet", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "root.key");
        Run("req", "-new", "-x509", "-sha256", "-key", "root.key", "-subj", rootSubject, "-days", "3650", "-out", "root.crt",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "subjectKeyIdentifier=hash");
        Run("genpkey", "-quiet", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "issuing.key");
        Run("req", "-new", "-key", "issuing.key", "-subj", issuingSubject, "-out", "issuing.csr");
        _dir.Write("issuing.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n");
        Run("x509", "-req", "-sha256", "-in", "issuing.csr", "-CA", "root.crt", "-CAkey", "root.key", "-set_serial", "1000",
            "-days", "3650", "-extfile", "issuing.ext", "-out", "issuing.crt");
        RootPem = File.ReadAllText(Path.Combine(_dir.Directory, "root.crt"));
        IssuingPem = File.ReadAllText(Path.Combine(_dir.Directory, "issuing.crt"));
    }

    /// <summary>The root CA certificate, PEM.</summary>
    public string RootPem { get; }

    /// <summary>The issuing (intermediate) CA certificate, PEM.</summary>
    public string IssuingPem { get; }

    /// <summary>Signs <paramref name="csrPem"/> with the issuing CA for <paramref name="days"/> days, copying every extension the
    /// request asks for (<c>-copy_extensions copyall</c>), as a CA that honours the request does. Returns the leaf PEM.</summary>
    public string Sign(string csrPem, int days = 90) => SignWith(csrPem, days, null);

    /// <summary>Signs <paramref name="csrPem"/> imposing the CA's own extensions (one per line, openssl config syntax) instead of
    /// the requested ones, as a CA with a fixed profile does. Returns the leaf PEM.</summary>
    public string SignWithExtensions(string csrPem, string extensions, int days = 90) => SignWith(csrPem, days, extensions);

    /// <summary>Signs <paramref name="csrPem"/> with <c>openssl ca</c> valid exactly from <paramref name="notBefore"/> to
    /// <paramref name="notAfter"/> (which may lie in the past), copying the requested subjectAltName under the CA's server profile.</summary>
    public string SignValidBetween(string csrPem, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var n = Interlocked.Increment(ref _serial);
        if (!File.Exists(Path.Combine(_dir.Directory, "ca.cnf")))
        {
            _dir.Write("index.txt", "");
            _dir.Write("ca.cnf", """
                [ ca ]
                default_ca = test
                [ test ]
                database = index.txt
                serial = serial
                new_certs_dir = .
                certificate = issuing.crt
                private_key = issuing.key
                default_md = sha256
                policy = anything
                copy_extensions = copy
                unique_subject = no
                email_in_dn = yes
                preserve = yes
                [ anything ]
                countryName = optional
                stateOrProvinceName = optional
                localityName = optional
                organizationName = optional
                organizationalUnitName = optional
                commonName = optional
                emailAddress = optional
                [ server ]
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = serverAuth

                """);
        }

        _dir.Write("serial", (0x7000 + n).ToString("X", System.Globalization.CultureInfo.InvariantCulture) + "\n");
        var request = _dir.Write($"req{n}.csr", csrPem);
        static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Run("ca", "-batch", "-notext", "-config", "ca.cnf", "-extensions", "server", "-in", request, "-out", $"leaf{n}.crt",
            "-startdate", Time(notBefore), "-enddate", Time(notAfter));
        return File.ReadAllText(Path.Combine(_dir.Directory, $"leaf{n}.crt"));
    }

    /// <summary>The signed leaf followed by the issuing CA: the chain a CA returns.</summary>
    public string WithChain(string leafPem) => leafPem + IssuingPem;

    private string SignWith(string csrPem, int days, string? extensions)
    {
        var n = Interlocked.Increment(ref _serial);
        var request = _dir.Write($"req{n}.csr", csrPem);
        string[] args = ["x509", "-req", "-sha256", "-in", request, "-CA", "issuing.crt", "-CAkey", "issuing.key",
            "-set_serial", (5000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture), "-days", days.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-out", $"leaf{n}.crt"];
        if (extensions is null)
        {
            args = [.. args, "-copy_extensions", "copyall"];
        }
        else
        {
            _dir.Write($"leaf{n}.ext", extensions + "\n");
            args = [.. args, "-extfile", $"leaf{n}.ext"];
        }

        Run(args);
        return File.ReadAllText(Path.Combine(_dir.Directory, $"leaf{n}.crt"));
    }

    private void Run(params string[] args) => OpensslCli.Run(_dir.Directory, args);

    public void Dispose() => _dir.Dispose();
}
