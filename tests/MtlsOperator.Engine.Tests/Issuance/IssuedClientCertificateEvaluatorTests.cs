using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Issuance;

public sealed class IssuedClientCertificateEvaluatorTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    [Fact]
    public void An_issued_certificate_names_the_subject_and_sans_and_is_a_client_certificate_signed_by_the_ca()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));

        world.Converge(s_now);

        var leaf = world.CurrentOf("agent");
        Assert.Equal("CN=agent,O=Partner A", DistinguishedName.Format(leaf.SubjectName));
        Assert.Equal(world.Ca.Certificate.SubjectName.RawData, leaf.IssuerName.RawData);
        var san = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("spiffe://partner.example/agent", san.Format(false), StringComparison.Ordinal);
        Assert.Contains("agent@partner.example", san.Format(false), StringComparison.Ordinal);
        Assert.Equal("1.3.6.1.5.5.7.3.2", leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages[0].Value);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(IssuanceReasons.Issued, world.Issued("agent").Status!.Conditions[0].Reason);
        Assert.Equal(leaf.SerialNumber, world.Issued("agent").Status!.SerialNumber);
    }

    [Fact]
    public void A_converged_certificate_and_crl_are_not_written_again()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s => s.Pkcs12 = new Pkcs12Spec { PasswordSecretRef = new KeyReference { Name = "p12", Key = "password" } }));
        world.Put(new k8s.Models.V1Secret { Metadata = new() { Name = "p12", NamespaceProperty = IssuanceWorld.Ns }, Data = new Dictionary<string, byte[]> { ["password"] = "changeit\n"u8.ToArray() } });
        world.Converge(s_now);

        world.Converge(s_now.AddMinutes(5));

        Assert.Empty(world.Writes);
    }

    [Fact]
    public void Renewal_issues_a_new_certificate_and_keeps_the_old_one_while_it_is_valid()
    {
        var world = new IssuanceWorld();

        var (first, second) = world.IssueAndRenew("agent", s_now);

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        var status = world.Issued("agent").Status!;
        Assert.Equal([(second.SerialNumber, "Current"), (first.SerialNumber, "Previous")], status.Certificates.Select(c => (c.SerialNumber, c.State)));
        Assert.Contains(PemExport.Certificate(first).Trim(), Encoding.UTF8.GetString(world.Secret("agent-tls")!.Data[IssuedSecretData.Previous]), StringComparison.Ordinal);

        world.Converge(s_now.AddDays(31));

        Assert.Equal([second.SerialNumber], world.Issued("agent").Status!.Certificates.Select(c => c.SerialNumber));
        Assert.False(world.Secret("agent-tls")!.Data.ContainsKey(IssuedSecretData.Previous));
    }

    [Fact]
    public void A_changed_subject_issues_a_new_certificate_at_once()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);

        world.Issued("agent").Spec.Subject = "CN=agent-2,O=Partner A";
        world.Issued("agent").Metadata.Generation = 2;
        world.Converge(s_now.AddMinutes(1));

        Assert.Equal("CN=agent-2,O=Partner A", DistinguishedName.Format(world.CurrentOf("agent").SubjectName));
    }

    [Fact]
    public void Revoking_puts_the_current_and_earlier_certificates_on_the_crl_and_stops_renewal()
    {
        var world = new IssuanceWorld();
        var (first, second) = world.IssueAndRenew("agent", s_now);
        var numberBefore = world.Crl!.Extensions.Number!.Value;

        world.Issued("agent").Spec.Revoked = true;
        world.Issued("agent").Spec.RevocationReason = "KeyCompromise";
        world.Converge(s_now.AddDays(21).AddMinutes(1));

        Assert.Equal(new[] { first.SerialNumber, second.SerialNumber }.Order(StringComparer.Ordinal), world.Crl!.RevokedSerials.Order(StringComparer.Ordinal));
        Assert.True(world.Crl.Extensions.Number > numberBefore);
        Assert.Equal((int)X509RevocationReason.KeyCompromise, world.Crl.Entries[0].Reason);
        var status = world.Issued("agent").Status!;
        Assert.True(status.Revoked);
        Assert.Equal(IssuanceReasons.Revoked, status.Conditions[0].Reason);

        world.Converge(s_now.AddDays(29));
        Assert.Equal(second.SerialNumber, world.CurrentOf("agent").SerialNumber);
    }

    [Fact]
    public void A_revoked_serial_stays_on_the_crl_after_its_resource_is_deleted_until_the_certificate_expires()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s => s.Revoked = false));
        world.Converge(s_now);
        var leaf = world.CurrentOf("agent");
        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));

        world.Remove(IssuedClientCertificate.KindName, "agent");
        world.Remove(k8s.Models.V1Secret.KubeKind, "agent-tls");
        world.Converge(s_now.AddDays(1));

        Assert.Contains(leaf.SerialNumber, world.Crl!.RevokedSerials);
        world.Converge(s_now.AddDays(31));
        Assert.Empty(world.Crl!.RevokedSerials);
    }

    [Fact]
    public void The_pkcs12_file_opens_with_the_password_and_holds_the_certificate_and_key()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s => s.Pkcs12 = new Pkcs12Spec { PasswordSecretRef = new KeyReference { Name = "p12", Key = "password" } }));
        world.Put(new k8s.Models.V1Secret { Metadata = new() { Name = "p12", NamespaceProperty = IssuanceWorld.Ns }, Data = new Dictionary<string, byte[]> { ["password"] = "s3cret\n"u8.ToArray() } });

        world.Converge(s_now);

        var file = world.Secret("agent-tls")!.Data[IssuedSecretData.DefaultPkcs12];
        var loaded = X509CertificateLoader.LoadPkcs12Collection(file, "s3cret", X509KeyStorageFlags.EphemeralKeySet);
        Assert.Contains(loaded, c => c.HasPrivateKey && c.SerialNumber == world.CurrentOf("agent").SerialNumber);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => X509CertificateLoader.LoadPkcs12Collection(file, "wrong"));
    }

    [Theory]
    [InlineData("CN=a,O=b", "keyAlgorithm", "DSA-1024")]
    [InlineData("CN=a*", null, null)]
    [InlineData("not a dn", null, null)]
    public void An_invalid_spec_is_refused_with_the_field_and_nothing_is_issued(string subject, string? field, string? value)
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s =>
        {
            s.Subject = subject;
            if (field == "keyAlgorithm")
            {
                s.KeyAlgorithm = value;
            }
        }));

        world.Converge(s_now);

        Assert.Null(world.Secret("agent-tls"));
        Assert.Equal("InvalidSpec", world.Issued("agent").Status!.Conditions[0].Reason);
    }

    [Fact]
    public void A_ca_without_its_secret_leaves_the_certificate_waiting()
    {
        var world = new IssuanceWorld();
        world.Remove(k8s.Models.V1Secret.KubeKind, "partner-ca-key");
        world.Put(IssuanceWorld.Certificate("agent"));

        world.Converge(s_now);

        Assert.Equal(IssuanceReasons.AuthorityNotReady, world.Issued("agent").Status!.Conditions[0].Reason);
        Assert.Equal(IssuanceReasons.SecretNotFound, world.Authority.Status!.Conditions[0].Reason);
        Assert.Contains(world.Issued("agent").Status!.Conditions, c => c.Type == "Reconciling" && c.Status == "True");
    }

    [Theory]
    [InlineData("ECDSA-P384")]
    [InlineData("RSA-3072")]
    public void The_key_algorithm_is_the_one_asked_for(string algorithm)
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent", s => s.KeyAlgorithm = algorithm));

        world.Converge(s_now);

        Assert.Equal(algorithm, Engine.Pki.Keys.KeyAlgorithm.Of(world.CurrentOf("agent")));
    }

    [Fact]
    public void An_intermediate_ca_sends_its_certificate_in_the_chain_and_the_validity_stops_at_the_ca()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=Root,O=Platform");
        var intermediate = root.CreateIntermediate("CN=Partner Issuing CA,O=Platform", notAfter: s_now.AddDays(10));
        var world = new IssuanceWorld(intermediate);
        world.Put(IssuanceWorld.Certificate("agent"));

        world.Converge(s_now);

        var chain = Encoding.UTF8.GetString(world.Secret("agent-tls")!.Data["tls.crt"]);
        Assert.Equal(2, chain.Split("BEGIN CERTIFICATE").Length - 1);
        Assert.True(world.CurrentOf("agent").NotAfter.ToUniversalTime() <= intermediate.Certificate.NotAfter.ToUniversalTime());
    }
}
