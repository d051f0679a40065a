using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Issuance;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Issuance;

/// <summary>A ClientAuthPolicy pinning an IssuedClientCertificate by reference: the pin follows renewals with overlap, and a revocation
/// always reaches the proxies (through the CRL, or by the pin going away).</summary>
public sealed class IssuedPinTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;

    private static TrustBundle Bundle(bool withCrl) => new()
    {
        Metadata = new V1ObjectMeta { Name = "partners", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
        Spec = new TrustBundleSpec
        {
            Sources = [new DataSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = PublishedCrl.CaKey } }],
            Crls = withCrl ? [new CrlSource { ConfigMap = new KeyReference { Name = "partner-ca-crl", Key = PublishedCrl.CrlKey } }] : [],
        },
    };

    /// <summary>A policy pinning <paramref name="issued"/> by reference: in its own spec.pins, or (<paramref name="inPath"/>) in those of
    /// spec.paths[0], which must behave exactly alike.</summary>
    private static ClientAuthPolicy Policy(bool inPath, params string[] issued)
    {
        List<PinSpec> pins = [.. issued.Select(n => new PinSpec { IssuedCertificateRef = new ObjectReference { Name = n } })];
        return new()
        {
            Metadata = new V1ObjectMeta { Name = "partner-a", NamespaceProperty = IssuanceWorld.Ns, Generation = 1 },
            Spec = new ClientAuthPolicySpec
            {
                TrustBundleRef = new ObjectReference { Name = "partners" },
                Pins = inPath ? [] : pins,
                Paths = inPath ? [new PathRuleSpec { Prefix = "/partner", Pins = pins }] : [],
            },
        };
    }

    /// <summary>Evaluates the policy right after the world's last convergence.</summary>
    private static ClientAuthPolicyEvaluation Evaluate(IssuanceWorld world, bool withCrl = true, params string[] issued) =>
        Evaluate(world, inPath: false, withCrl, issued);

    private static ClientAuthPolicyEvaluation Evaluate(IssuanceWorld world, bool inPath, bool withCrl, params string[] issued)
    {
        world.Put(Bundle(withCrl));
        return new TrustEngine().Evaluate(Policy(inPath, issued.Length == 0 ? ["agent"] : issued), new EvaluationContext(world.Snapshot, world.ConvergedAt.AddMinutes(1)));
    }

    /// <summary>The SHA-256 pins of spec.paths[0] as the listener renders them.</summary>
    private static HashSet<string> PathSha256Pins(ClientAuthPolicyEvaluation result) =>
        [.. result.Admission!.Paths.Single().Pins.SelectMany(e => e.Forms).Where(f => f.Algorithm == Engine.Policy.PinAlgorithm.Sha256).Select(f => f.Value)];

    private static HashSet<string> Sha256Pins(ClientAuthPolicyEvaluation result) =>
        [.. result.Status.Pins.Where(p => p.Algorithm == "sha256").Select(p => p.Value)];

    [Fact]
    public void The_pin_admits_the_current_certificate_and_the_previous_one_during_the_overlap()
    {
        var world = new IssuanceWorld();
        var (first, second) = world.IssueAndRenew("agent", s_now);

        var result = Evaluate(world);

        Assert.Equal("True", result.Status.Conditions[0].Status);
        Assert.Equal(new[] { CertificateFingerprints.Of(first).Sha256, CertificateFingerprints.Of(second).Sha256 }.Order(), Sha256Pins(result).Order());
    }

    [Fact]
    public void Overlap_none_admits_only_the_current_certificate()
    {
        var world = new IssuanceWorld();
        world.IssueAndRenew("agent", s_now, s => s.Overlap = "None");

        var result = Evaluate(world);

        Assert.Equal([CertificateFingerprints.Of(world.CurrentOf("agent")).Sha256], Sha256Pins(result));
    }

    [Fact]
    public void A_revoked_certificate_on_a_checked_crl_stays_pinned_and_the_bundle_crl_lists_it()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));

        var result = Evaluate(world);

        Assert.True(result.Status.Conditions[0].Status == "True", result.Status.Conditions[0].Message);
        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.PinnedCertificateRevoked);
        Assert.NotNull(result.Admission!.CrlPem);
        Assert.Contains(CertificateFingerprints.Of(world.CurrentOf("agent")).Sha256, Sha256Pins(result));
    }

    [Fact]
    public void A_revoked_certificate_without_a_checked_crl_is_no_longer_pinned_and_an_emptied_policy_admits_no_one()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Put(IssuanceWorld.Certificate("other"));
        world.Converge(s_now);
        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));

        var both = Evaluate(world, withCrl: false, "agent", "other");
        var alone = Evaluate(world, withCrl: false, "agent");

        Assert.Equal([CertificateFingerprints.Of(world.CurrentOf("other")).Sha256], Sha256Pins(both));
        Assert.Equal(ClientAuthPolicyReasons.NoClientsAdmitted, alone.Status.Conditions[0].Reason);
        Assert.Null(alone.Admission);
    }

    [Fact]
    public void A_pin_without_a_checked_crl_warns_that_revocation_would_not_reach_the_crl()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);

        var result = Evaluate(world, withCrl: false);

        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.RevocationNotChecked);
    }

    [Fact]
    public void A_missing_issued_certificate_is_a_blocking_wait()
    {
        var world = new IssuanceWorld();
        world.Converge(s_now);

        var result = Evaluate(world, true, "nobody");

        Assert.True(ClientAuthPolicyReasons.IssuedCertificateNotFound == result.Status.Conditions[0].Reason, result.Status.Conditions[0].Message);
        Assert.Contains(result.Status.Conditions, c => c.Type == "Reconciling" && c.Status == "True");
    }

    [Fact]
    public void A_path_pin_admits_the_current_certificate_and_the_previous_one_during_the_overlap()
    {
        var world = new IssuanceWorld();
        var (first, second) = world.IssueAndRenew("agent", s_now);

        var result = Evaluate(world, inPath: true, withCrl: true);

        Assert.True(result.Status.Conditions[0].Status == "True", result.Status.Conditions[0].Message);
        Assert.Equal(new[] { CertificateFingerprints.Of(first).Sha256, CertificateFingerprints.Of(second).Sha256 }.Order(), PathSha256Pins(result).Order());
    }

    [Fact]
    public void A_revoked_path_pin_on_a_checked_crl_stays_pinned_and_the_listener_checks_the_crl_listing_it()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);
        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));

        var result = Evaluate(world, inPath: true, withCrl: true);

        Assert.True(result.Status.Conditions[0].Status == "True", result.Status.Conditions[0].Message);
        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.PinnedCertificateRevoked && p.Entry.StartsWith("spec.paths[0]", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.RevocationNotChecked);
        Assert.Contains(CertificateFingerprints.Of(world.CurrentOf("agent")).Sha256, PathSha256Pins(result));
        Assert.Contains(world.CurrentOf("agent").SerialNumber, Engine.Pki.PemBlock.ReadAll(result.Admission!.CrlPem!)
            .SelectMany(b => Engine.Pki.CertificateRevocationList.Parse(b.Der).RevokedSerials));
    }

    [Fact]
    public void A_revoked_path_pin_without_a_checked_crl_leaves_the_path_and_an_emptied_path_admits_no_one()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Put(IssuanceWorld.Certificate("other"));
        world.Converge(s_now);
        world.Issued("agent").Spec.Revoked = true;
        world.Converge(s_now.AddMinutes(1));

        var both = Evaluate(world, inPath: true, withCrl: false, "agent", "other");
        var alone = Evaluate(world, inPath: true, withCrl: false, "agent");

        Assert.Equal([CertificateFingerprints.Of(world.CurrentOf("other")).Sha256], PathSha256Pins(both));
        Assert.Equal(ClientAuthPolicyReasons.NoClientsAdmitted, alone.Status.Conditions[0].Reason);
        Assert.Null(alone.Admission);
    }

    [Fact]
    public void A_path_pin_without_a_checked_crl_warns_that_revocation_would_not_reach_the_crl()
    {
        var world = new IssuanceWorld();
        world.Put(IssuanceWorld.Certificate("agent"));
        world.Converge(s_now);

        var result = Evaluate(world, inPath: true, withCrl: false);

        Assert.Contains(result.Status.Problems, p => p.Reason == ClientAuthPolicyReasons.RevocationNotChecked && p.Entry.StartsWith("spec.paths[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_policy_reads_the_issued_certificates_its_paths_pin_so_their_renewal_and_revocation_re_queue_it()
    {
        var references = ResourceReferences.Of(Policy(inPath: true, "agent"));

        Assert.Contains(new ResourceKey(IssuedClientCertificate.KindName, IssuanceWorld.Ns, "agent"), references);
    }
}
