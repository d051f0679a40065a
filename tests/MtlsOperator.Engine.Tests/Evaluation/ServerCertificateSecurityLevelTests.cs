using System.Text;
using MtlsOperator.Engine.Evaluation;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Served certificates below OpenSSL's default security level 2 (which HAProxy and nginx on Debian refuse to load) are
/// not Ready, with what to change. Certificates are made by the openssl CLI.</summary>
public sealed class ServerCertificateSecurityLevelTests : IDisposable
{
    private const string Host = "api.example.com";
    private readonly OpenSslCommand _openssl = OpenSslCommand.IsAvailable ? new OpenSslCommand() : null!;

    public void Dispose() => _openssl?.Dispose();

    [SkippableTheory]
    [InlineData("rsa:1024", "an RSA key of 1024 bits")]
    [InlineData("rsa:1536", "an RSA key of 1536 bits")]
    public void A_leaf_key_below_2048_bits_is_refused_as_weak(string key, string described)
    {
        MakeCa("ca", "rsa:2048");
        MakeLeaf("tls", key, "ca", "-sha256");

        var ready = Ready(Evaluate("tls.crt", "ca.crt"));

        Assert.Equal(("False", ServerCertificateReasons.WeakKey), (ready.Status, ready.Reason));
        Assert.Contains(described, ready.Message, StringComparison.Ordinal);
        Assert.Contains("at least 2048 bits", ready.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("-sha1", "SHA-1")]
    [InlineData("-md5", "MD5")]
    public void A_leaf_signed_with_a_weak_digest_is_refused(string digest, string named)
    {
        MakeCa("ca", "rsa:2048");
        MakeLeaf("tls", "ec:P-256", "ca", digest);

        var ready = Ready(Evaluate("tls.crt", "ca.crt"));

        Assert.Equal(("False", ServerCertificateReasons.WeakSignature), (ready.Status, ready.Reason));
        Assert.Contains(named, ready.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", ready.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_weak_intermediate_in_the_served_chain_is_refused_and_named()
    {
        MakeCa("root", "rsa:2048");
        MakeLeaf("inter", "rsa:1024", "root", "-sha256", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n", "/CN=Weak Issuing CA");
        MakeLeaf("tls", "ec:P-256", "inter", "-sha256");

        var ready = Ready(Evaluate("tls.crt", "inter.crt", "root.crt"));

        Assert.Equal(("False", ServerCertificateReasons.WeakKey), (ready.Status, ready.Reason));
        Assert.Contains("The intermediate CN=Weak Issuing CA", ready.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_self_signed_sha1_certificate_is_served_because_openssl_never_checks_its_signature()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        _openssl.Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tls.key", "-out", "tls.crt",
            "-sha1", "-days", "30", "-subj", "/CN=" + Host, "-addext", "subjectAltName=DNS:" + Host);

        Assert.Equal("True", Ready(Evaluate("tls.crt")).Status);
    }

    [SkippableFact]
    public void A_p256_leaf_signed_with_sha256_by_an_rsa_2048_ca_is_ready()
    {
        MakeCa("ca", "rsa:2048");
        MakeLeaf("tls", "ec:P-256", "ca", "-sha256");

        Assert.Equal("True", Ready(Evaluate("tls.crt", "ca.crt")).Status);
    }

    private void MakeCa(string name, string key)
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        _openssl.Run("req", "-x509", "-newkey", key, "-nodes", "-keyout", name + ".key", "-out", name + ".crt", "-days", "30", "-sha256",
            "-subj", "/CN=OpenSSL Root " + name);
    }

    /// <summary>A certificate issued by <paramref name="issuer"/>; by default a server certificate for <see cref="Host"/>.</summary>
    private void MakeLeaf(string name, string key, string issuer, string digest, string? extensions = null, string? subject = null)
    {
        var newKey = key.StartsWith("ec:", StringComparison.Ordinal)
            ? new[] { "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + key[3..] }
            : ["-newkey", key];
        _openssl.Run(["req", "-new", .. newKey, "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject ?? "/CN=" + Host]);
        File.WriteAllText(Path.Combine(_openssl.Directory, name + ".cnf"),
            extensions ?? $"subjectAltName=DNS:{Host}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        _openssl.Run("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key", "-CAcreateserial", "-days", "20",
            digest, "-extfile", name + ".cnf", "-out", name + ".crt");
    }

    /// <summary>Evaluates a Secret whose tls.crt holds <paramref name="chain"/> (leaf first) and tls.key the leaf's key.</summary>
    private ServerCertificateEvaluation Evaluate(params string[] chain)
    {
        string Text(string file) => Encoding.UTF8.GetString(_openssl.ReadBytes(file));
        var crt = string.Concat(chain.Select(Text));
        return EvaluateAt(DateTimeOffset.UtcNow, FromSecret(Host), TlsSecret(crt, Text(Path.ChangeExtension(chain[0], ".key"))));
    }
}
