using System.Security.Cryptography.X509Certificates;
using TestPki;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>How a partner root made by the openssl CLI is restricted.</summary>
public enum PartnerRootLimit
{
    /// <summary>A plain CA: it may issue intermediate CAs of any name.</summary>
    None,

    /// <summary><c>pathlen:0</c>: no CA may sit below it.</summary>
    PathLengthZero,

    /// <summary><c>nameConstraints=permitted;dirName:O=Partner</c>: only names under <c>O=Partner</c> below it.</summary>
    PermittedPartnerOnly,
}

/// <summary>A partner's PKI made with the openssl CLI (an independent implementation): its root, an intermediate that copies the
/// name of the corporate issuing CA, a client under that impostor, and a client the partner root issues directly. Both clients
/// carry a subject the corporate partner rule matches.</summary>
public sealed class OpensslPartnerPki : IDisposable
{
    public const string RootName = "CN=Partner Root,O=Partner";

    private const string Extensions = """
        [root_none]
        basicConstraints = critical,CA:true
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        [root_path0]
        basicConstraints = critical,CA:true,pathlen:0
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        [root_nc]
        basicConstraints = critical,CA:true
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        nameConstraints = critical,permitted;dirName:partner_dn
        [partner_dn]
        O = Partner
        [impostor]
        basicConstraints = critical,CA:true,pathlen:0
        keyUsage = critical,keyCertSign,cRLSign
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        [client]
        basicConstraints = CA:false
        keyUsage = critical,digitalSignature
        extendedKeyUsage = clientAuth
        authorityKeyIdentifier = keyid
        """;

    private readonly TempDirectory _dir = new();

    public OpensslPartnerPki(PartnerRootLimit limit)
    {
        var config = _dir.Write("ext.cnf", Extensions);
        var section = limit switch { PartnerRootLimit.PathLengthZero => "root_path0", PartnerRootLimit.PermittedPartnerOnly => "root_nc", _ => "root_none" };
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.crt",
            "-subj", "/O=Partner/CN=Partner Root", "-days", "30", "-config", config, "-extensions", section);
        // The impostor copies the corporate issuing CA's name: "CN=Corp Issuing CA,O=Corp".
        Issue("impostor", "/O=Corp/CN=Corp Issuing CA", "root", "impostor", config);
        Issue("spoofed", "/O=Corp/OU=Partners/CN=svc-billing", "impostor", "client", config);
        Issue("direct", "/O=Corp/OU=Partners/CN=svc-billing", "root", "client", config);
        RootPem = File.ReadAllText(PathOf("root.crt"));
        ImpostorPem = File.ReadAllText(PathOf("impostor.crt"));
        Direct = X509Certificate2.CreateFromPemFile(PathOf("direct.crt"), PathOf("direct.key"));
        Spoofed = X509Certificate2.CreateFromPemFile(PathOf("spoofed.crt"), PathOf("spoofed.key"));
    }

    /// <summary>The partner root, PEM: what a user adds to the TrustBundle.</summary>
    public string RootPem { get; }

    /// <summary>The intermediate named like the corporate issuing CA, PEM; the spoofing client sends it as its chain.</summary>
    public string ImpostorPem { get; }

    /// <summary>Issued by the impostor: its issuer name is the corporate issuing CA's.</summary>
    public X509Certificate2 Spoofed { get; }

    /// <summary>Issued by the partner root itself.</summary>
    public X509Certificate2 Direct { get; }

    /// <summary>Absolute path of a file in the working directory (e.g. <c>impostor.crt</c> for <c>s_client -cert_chain</c>).</summary>
    public string PathOf(string name) => Path.Combine(_dir.Directory, name);

    /// <summary>What <c>openssl verify</c> says about the spoofed client against <paramref name="bundlePem"/>, the impostor as untrusted chain.</summary>
    public bool SpoofVerifies(string bundlePem)
    {
        var bundle = _dir.Write("bundle.pem", bundlePem);
        try
        {
            OpensslCli.Run(_dir.Directory, ["verify", "-CAfile", bundle, "-untrusted", PathOf("impostor.crt"), PathOf("spoofed.crt")]);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public void Dispose() => _dir.Dispose();

    private void Issue(string name, string subject, string issuer, string section, string config)
    {
        Run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        Run("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".crt", "-CAkey", issuer + ".key", "-CAcreateserial", "-days", "30",
            "-extfile", config, "-extensions", section, "-out", name + ".crt");
    }

    private void Run(params string[] arguments) => OpensslCli.Run(_dir.Directory, arguments);
}
