using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Issuance;

/// <summary>ClientCertificateRevocation: revoking without the right to issue. What it names reaches the CA's CRL (with its reason), an
/// IssuedClientCertificate it revokes is never renewed again, and nothing it revoked comes back: not when the revocation is deleted, not
/// when the IssuedClientCertificate is deleted, not when the CA loses its CRL and status.</summary>
public sealed class ClientCertificateRevocationTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static IReadOnlyList<string> CrlSerials(IssuanceWorld world) => world.Crl?.RevokedSerials ?? [];

    // "agent" issued and renewed, then revoked as a whole by "agent-gone", converged once it is published.
    private static (IssuanceWorld World, X509Certificate2 First, X509Certificate2 Renewed, DateTimeOffset Later) RenewedThenRevoked()
    {
        var world = new IssuanceWorld();
        var (first, renewed) = world.IssueAndRenew("agent", s_now);
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));
        var later = s_now.AddDays(21).AddMinutes(1);
        world.Converge(later);
        return (world, first, renewed, later);
    }

    private static V1ConditionView Ready(ClientCertificateRevocation revocation) => new(revocation.Status!.Conditions.Single(c => c.Type == ConditionTypes.Ready));

    [Fact]
    public void Naming_an_issued_certificate_lists_every_certificate_it_holds_with_the_reason_and_reports_revoked_once_published()
    {
        var world = new IssuanceWorld();
        var (first, second) = world.IssueAndRenew("agent", s_now);
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent", reason: "KeyCompromise"));

        world.Converge(s_now.AddDays(21).AddMinutes(1));

        Assert.Equal(new[] { first.SerialNumber, second.SerialNumber }.Order(), CrlSerials(world).Order());
        Assert.All(world.Crl!.Entries, e => Assert.Equal((int)X509RevocationReason.KeyCompromise, e.Reason));
        var ready = Ready(world.RevocationNamed("agent-gone"));
        Assert.True(ready.Status == "True" && ready.Reason == IssuanceReasons.Revoked, ready.Message);
        Assert.All(world.RevocationNamed("agent-gone").Status!.Certificates, c => Assert.True(c.Published));
        Assert.Equal(IssuanceReasons.Revoked, world.Issued("agent").Status!.Conditions.Single(c => c.Type == ConditionTypes.Ready).Reason);
        Assert.True(world.Issued("agent").Status!.Revoked);
    }

    [Fact]
    public void A_revoked_issued_certificate_is_never_renewed_even_past_its_renewal_time()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        var only = world.CurrentOf("agent");
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));
        world.Converge(s_now.AddMinutes(1));

        world.Converge(s_now.AddDays(25));

        Assert.Equal(only.SerialNumber, world.CurrentOf("agent").SerialNumber);
        Assert.Contains(only.SerialNumber, CrlSerials(world));
    }

    [Fact]
    public void A_serial_in_openssl_spelling_of_the_current_certificate_revokes_the_issued_certificate_as_a_whole()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        var current = world.CurrentOf("agent");
        var opensslSpelling = "serial=" + string.Join(':', Convert.FromHexString(current.SerialNumber).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        world.Put(IssuanceWorld.Revocation("by-serial", serials: opensslSpelling));

        world.Converge(s_now.AddMinutes(1));
        world.Converge(s_now.AddDays(25));

        Assert.Contains(current.SerialNumber, CrlSerials(world));
        Assert.Equal(current.SerialNumber, world.CurrentOf("agent").SerialNumber);
        Assert.True(world.Issued("agent").Status!.Revoked);
    }

    [Fact]
    public void A_serial_of_a_certificate_the_ca_signed_outside_the_operator_is_listed_until_the_ca_expires()
    {
        var world = new IssuanceWorld();
        var outside = world.Ca.IssueClient("CN=signed-with-openssl,O=Partner");
        world.Put(IssuanceWorld.Revocation("outside", reason: "CessationOfOperation", serials: outside.SerialNumber.ToLowerInvariant()));

        world.Converge(s_now);

        Assert.Contains(outside.SerialNumber, CrlSerials(world));
        var entry = world.Authority.Status!.Revoked.Single(r => r.SerialNumber == outside.SerialNumber);
        Assert.Equal(world.Ca.Certificate.NotAfter.ToUniversalTime(), entry.NotAfter);
        Assert.Equal("True", Ready(world.RevocationNamed("outside")).Status);
    }

    [Fact]
    public void Deleting_the_issued_certificate_after_its_revocation_keeps_every_serial_listed_even_when_the_ca_also_loses_its_crl_and_status()
    {
        var (world, first, second, later) = RenewedThenRevoked();

        world.Remove(IssuedClientCertificate.KindName, "agent");
        world.Remove(k8s.Models.V1Secret.KubeKind, "agent-tls");
        world.Remove(k8s.Models.V1ConfigMap.KubeKind, "partner-ca-crl");
        world.Authority.Status = null;
        world.Converge(later.AddMinutes(1));

        Assert.Equal(new[] { first.SerialNumber, second.SerialNumber }.Order(), CrlSerials(world).Order());
        Assert.Equal("True", Ready(world.RevocationNamed("agent-gone")).Status);
    }

    [Fact]
    public void Null_entries_someone_wrote_into_a_revocations_status_are_dropped_and_what_it_remembers_stays_listed()
    {
        var (world, first, second, later) = RenewedThenRevoked();

        var status = world.RevocationNamed("agent-gone").Status!;
        status.Certificates = [null!, .. status.Certificates, null!];
        status.Conditions = [null!, .. status.Conditions];
        world.Converge(later.AddMinutes(1));

        Assert.Equal(new[] { first.SerialNumber, second.SerialNumber }.Order(), CrlSerials(world).Order());
        Assert.DoesNotContain(null, world.RevocationNamed("agent-gone").Status!.Certificates);
        Assert.Equal("True", Ready(world.RevocationNamed("agent-gone")).Status);
    }

    [Fact]
    public void Deleting_the_revocation_takes_nothing_off_the_crl_and_the_issued_certificate_stays_revoked_and_unrenewed()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        var only = world.CurrentOf("agent");
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));
        world.Converge(s_now.AddMinutes(1));

        world.Remove(ClientCertificateRevocation.KindName, "agent-gone");
        world.Converge(s_now.AddMinutes(2));
        world.Converge(s_now.AddDays(25));

        Assert.Contains(only.SerialNumber, CrlSerials(world));
        Assert.Equal(only.SerialNumber, world.CurrentOf("agent").SerialNumber);
        Assert.True(world.Issued("agent").Status!.Revoked);
    }

    [Fact]
    public void Changing_a_revocation_only_adds_what_it_revoked_before_stays_listed_and_revoked()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Put(IssuanceWorld.Certificate("other"));
        world.Converge(s_now);
        var agent = world.CurrentOf("agent");
        world.Put(IssuanceWorld.Revocation("leaves", issued: "agent"));
        world.Converge(s_now.AddMinutes(1));

        world.RevocationNamed("leaves").Spec.IssuedCertificateRef = new ObjectReference { Name = "other" };
        world.RevocationNamed("leaves").Metadata.Generation++;
        world.Converge(s_now.AddMinutes(2));
        world.Converge(s_now.AddDays(25));

        Assert.Superset(new HashSet<string> { agent.SerialNumber, world.CurrentOf("other").SerialNumber }, CrlSerials(world).ToHashSet());
        Assert.Equal(agent.SerialNumber, world.CurrentOf("agent").SerialNumber);
        Assert.True(world.Issued("agent").Status!.Revoked && world.Issued("other").Status!.Revoked);
    }

    [Fact]
    public void An_issued_certificate_of_another_ca_is_not_revoked_and_the_revocation_says_why()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        world.Put(new ClientCertificateAuthority
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "another-ca", NamespaceProperty = IssuanceWorld.Ns, Generation = 1, Uid = "uid-another-ca" },
            Spec = new ClientCertificateAuthoritySpec { SecretRef = new ObjectReference { Name = "partner-ca-key" } },
        });
        var revocation = IssuanceWorld.Revocation("wrong-ca", issued: "agent");
        revocation.Spec.AuthorityRef.Name = "another-ca";
        world.Put(revocation);

        world.Converge(s_now.AddMinutes(1));

        Assert.Empty(CrlSerials(world));
        Assert.Equal(IssuanceReasons.AuthorityMismatch, Ready(world.RevocationNamed("wrong-ca")).Reason);
        Assert.False(world.Issued("agent").Status!.Revoked);
    }

    [Fact]
    public void A_malformed_serial_is_reported_and_the_other_serials_are_revoked_all_the_same()
    {
        var world = new IssuanceWorld();
        var outside = world.Ca.IssueClient("CN=outside,O=Partner");
        world.Put(IssuanceWorld.Revocation("mixed", serials: ["not-a-serial", outside.SerialNumber]));

        world.Converge(s_now);

        Assert.Contains(outside.SerialNumber, CrlSerials(world));
        var ready = Ready(world.RevocationNamed("mixed"));
        Assert.Equal(("False", IssuanceReasons.InvalidSerial), (ready.Status, ready.Reason));
    }

    [Fact]
    public void Until_the_ca_publishes_the_revocation_is_pending_and_says_the_proxies_still_admit_them()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        world.Remove(k8s.Models.V1Secret.KubeKind, "partner-ca-key");
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));

        world.Converge(s_now.AddMinutes(1));

        var ready = Ready(world.RevocationNamed("agent-gone"));
        Assert.Equal(("False", IssuanceReasons.RevocationPending), (ready.Status, ready.Reason));
        Assert.Contains("still admit", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pin_by_reference_of_a_certificate_revoked_by_a_revocation_stays_pinned_only_while_the_checked_crl_lists_it()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));
        world.Converge(s_now.AddMinutes(1));
        var policy = new ClientAuthPolicy
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "p", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
            Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = "b" }, Pins = [new PinSpec { IssuedCertificateRef = new ObjectReference { Name = "agent" } }] },
        };
        world.Put(new TrustBundle
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "b", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
            Spec = new TrustBundleSpec { Sources = [new DataSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = PublishedCrl.CaKey } }] },
        });

        var result = new TrustEngine().Evaluate(policy, new EvaluationContext(world.Snapshot, s_now.AddMinutes(2)));

        // No CRL checked: the revoked certificate is no longer pinned, and a policy of nothing else admits no one.
        Assert.Equal(ClientAuthPolicyReasons.NoClientsAdmitted, result.Status.Conditions[0].Reason);
        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.PinnedCertificateRevoked);
    }

    [Fact]
    public void A_pin_of_a_certificate_revoked_before_it_was_issued_pins_nothing_instead_of_waiting_forever()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Put(IssuanceWorld.Revocation("agent-gone", issued: "agent"));
        world.Converge(s_now);
        var policy = new ClientAuthPolicy
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "p", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
            Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = "b" }, Pins = [new PinSpec { IssuedCertificateRef = new ObjectReference { Name = "agent" } }] },
        };
        world.Put(new TrustBundle
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "b", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
            Spec = new TrustBundleSpec { Sources = [new DataSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = PublishedCrl.CaKey } }] },
        });

        var result = new TrustEngine().Evaluate(policy, new EvaluationContext(world.Snapshot, s_now.AddMinutes(1)));

        Assert.Null(world.Secret("agent-tls"));
        Assert.Equal(ClientAuthPolicyReasons.NoClientsAdmitted, result.Status.Conditions[0].Reason);
        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.PinnedCertificateRevoked);
    }

    [Fact]
    public void Every_spelling_people_copy_of_a_random_serial_reads_as_the_certificate_serial()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Properties.Seeded.ForAll(defaultSeed: 1202, cases: 200, (random, caseNumber) =>
        {
            var bytes = new byte[random.Next(1, 21)];
            random.NextBytes(bytes);
            bytes[0] &= 0x7F;
            if (bytes.All(b => b == 0))
            {
                bytes[^1] = 1;
            }

            var request = new CertificateRequest("CN=serial", key, HashAlgorithmName.SHA256);
            using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), s_now.AddDays(-1), s_now.AddDays(1), bytes);
            var hex = Convert.ToHexString(bytes).TrimStart('0');
            string[] spellings =
            [
                "serial=" + (hex.Length % 2 == 1 ? "0" + hex : hex),
                string.Join(':', Convert.FromHexString(certificate.SerialNumber).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
                "0x" + hex.ToLowerInvariant(),
                " 0000" + hex + " ",
                string.Join(' ', Convert.FromHexString(certificate.SerialNumber).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))),
                $"{new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true)} (0x{hex.ToLowerInvariant()})",
            ];
            foreach (var spelling in spellings)
            {
                Assert.True(SerialNumberText.Normalize(spelling, out var problem) == certificate.SerialNumber, $"{spelling} -> {SerialNumberText.Normalize(spelling, out _)} {problem}, certificate {certificate.SerialNumber}");
            }
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("serial=")]
    [InlineData("12g4")]
    [InlineData("12-34")]
    [InlineData("0x0102030405060708090a0b0c0d0e0f101112131415")]
    public void Text_that_is_not_a_serial_number_is_refused(string text) =>
        Assert.Null(SerialNumberText.Normalize(text, out _));

    private sealed record V1ConditionView(string Status, string Reason, string Message)
    {
        public V1ConditionView(k8s.Models.V1Condition c)
            : this(c.Status, c.Reason, c.Message)
        {
        }
    }
}
