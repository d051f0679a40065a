using System.Text;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Issuance;
using TestPki;

namespace MtlsOperator.Engine.Tests.Issuance;

/// <summary>The issued certificate, its PKCS#12 file and the CA's CRL as the openssl CLI, an independent implementation, sees them.</summary>
public sealed class IssuanceOpensslTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    [SkippableFact]
    public void Openssl_verifies_the_issued_certificate_with_crl_checking_until_it_is_revoked()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl is not installed");
        using var dir = new TempDirectory();
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        var ca = dir.Write("ca.pem", PemExport.Certificate(world.Ca.Certificate));
        var leaf = dir.Write("leaf.pem", Encoding.UTF8.GetString(world.Secret("agent-tls")!.Data["tls.crt"]));

        var crl = dir.Write("crl.pem", world.CrlConfigMap!.Data[PublishedCrl.CrlKey]);
        Assert.Equal($"{leaf}: OK", OpensslCli.RunText(dir.Directory, "verify", "-crl_check", "-purpose", "sslclient", "-CAfile", ca, "-CRLfile", crl, leaf));
        Assert.Contains("SSL client : Yes", OpensslCli.RunText(dir.Directory, "x509", "-in", leaf, "-noout", "-purpose"), StringComparison.Ordinal);

        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));
        crl = dir.Write("crl2.pem", world.CrlConfigMap!.Data[PublishedCrl.CrlKey]);

        var refused = Assert.Throws<InvalidOperationException>(() => OpensslCli.RunText(dir.Directory, "verify", "-crl_check", "-CAfile", ca, "-CRLfile", crl, leaf));
        Assert.Contains("certificate revoked", refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Openssl_verifies_the_crl_signature_and_reads_its_number_and_next_update()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl is not installed");
        using var dir = new TempDirectory();
        var world = new IssuanceWorld(TestCertificateAuthority.CreateRoot("CN=Partner RSA CA,O=Platform", TestKeyKind.Rsa2048));
        world.Put(IssuanceWorld.Certificate("agent", s => s.Revoked = true));
        world.Converge(s_now);
        var ca = dir.Write("ca.pem", PemExport.Certificate(world.Ca.Certificate));
        var crl = dir.Write("crl.pem", world.CrlConfigMap!.Data[PublishedCrl.CrlKey]);

        // openssl 3.0's crl -verify says "verify OK" or "verify failure" on stderr and exits 0 either way.
        Assert.Contains("verify OK", OpensslCli.RunWithErrors(dir.Directory, "crl", "-in", crl, "-noout", "-verify", "-CAfile", ca).Output, StringComparison.Ordinal);
        var number = OpensslCli.RunText(dir.Directory, "crl", "-in", crl, "-noout", "-crlnumber");
        Assert.Equal($"crlNumber=0x{System.Numerics.BigInteger.Parse(world.Authority.Status!.CrlNumber!, System.Globalization.CultureInfo.InvariantCulture):X}".ToUpperInvariant(), number.ToUpperInvariant());
        Assert.StartsWith("nextUpdate=", OpensslCli.RunText(dir.Directory, "crl", "-in", crl, "-noout", "-nextupdate"), StringComparison.Ordinal);

        var other = TestCertificateAuthority.CreateRoot("CN=Partner RSA CA,O=Platform", TestKeyKind.Rsa2048);
        var impostor = dir.Write("other.pem", PemExport.Certificate(other.Certificate));
        Assert.Contains("verify failure", OpensslCli.RunWithErrors(dir.Directory, "crl", "-in", crl, "-noout", "-verify", "-CAfile", impostor).Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Openssl_opens_the_pkcs12_file_with_the_password()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl is not installed");
        using var dir = new TempDirectory();
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s => s.Pkcs12 = new Pkcs12Spec { PasswordSecretRef = new KeyReference { Name = "p12", Key = "password" } }));
        world.Put(new k8s.Models.V1Secret { Metadata = new() { Name = "p12", NamespaceProperty = IssuanceWorld.Ns }, Data = new Dictionary<string, byte[]> { ["password"] = "changeit"u8.ToArray() } });
        world.Converge(s_now);
        var file = Path.Combine(dir.Directory, "keystore.p12");
        File.WriteAllBytes(file, world.Secret("agent-tls")!.Data[IssuedSecretData.DefaultPkcs12]);

        var dump = OpensslCli.RunText(dir.Directory, "pkcs12", "-in", file, "-passin", "pass:changeit", "-nodes");

        Assert.Contains("BEGIN PRIVATE KEY", dump, StringComparison.Ordinal);
        var leaf = OpensslCli.RunText(dir.Directory, "pkcs12", "-in", file, "-passin", "pass:changeit", "-nokeys", "-clcerts");
        var serial = Encoding.UTF8.GetString(OpensslCli.Run(dir.Directory, ["x509", "-noout", "-serial"], Encoding.UTF8.GetBytes(leaf + "\n"))).Trim();
        Assert.Equal("serial=" + world.CurrentOf("agent").SerialNumber, serial);
        Assert.Throws<InvalidOperationException>(() => OpensslCli.RunText(dir.Directory, "pkcs12", "-in", file, "-passin", "pass:wrong", "-nodes"));
    }
}
