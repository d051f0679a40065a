using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Listeners sharing a policy evaluate it once while nothing it reads changes, and never reuse a result past a change or a second.</summary>
public sealed class SharedEvaluationsTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Shared Root,O=Corp");
    private static readonly TestCertificateAuthority s_other = TestCertificateAuthority.CreateRoot("CN=Other Root,O=Corp");
    private static readonly string s_pin = CertificateFingerprints.Of(s_root.IssueClient("CN=agent,O=Corp")).Sha256;

    private readonly SharedEvaluations _shared = new();
    private int _evaluated;

    [Fact]
    public void An_unchanged_world_evaluates_the_policy_once()
    {
        var world = World(bundleVersion: "7");

        var first = Policy(world, Now);
        var second = Policy(world, Now.AddMilliseconds(500));

        Assert.Equal(1, _evaluated);
        Assert.Same(first, second);
    }

    [Fact]
    public void A_new_version_of_the_bundle_is_evaluated_again()
    {
        Policy(World(bundleVersion: "7"), Now);

        var changed = Policy(World(bundleVersion: "8", s_other), Now);

        Assert.Equal(2, _evaluated);
        Assert.Contains(PemExport.Certificate(s_other.Certificate).Trim(), changed.Admission!.CaBundlePem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_version_of_a_secret_the_bundle_reads_is_evaluated_again()
    {
        Policy(World(bundleVersion: "7", secretVersion: "1"), Now);
        Policy(World(bundleVersion: "7", secretVersion: "2"), Now);

        Assert.Equal(2, _evaluated);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_policy_whose_bundle_fetches_crls_from_urls_is_never_remembered(bool fromDistributionPoints)
    {
        var world = World(bundleVersion: "7");
        var bundle = world.OfType<TrustBundle>().Single();
        if (fromDistributionPoints)
        {
            bundle.Spec.FetchCrlDistributionPoints = true;
        }
        else
        {
            bundle.Spec.Crls = [new CrlSource { Url = "http://crl.example.com/corp.crl" }];
        }

        Policy(world, Now);
        Policy(world, Now.AddMilliseconds(500));

        Assert.Equal(2, _evaluated);
    }

    [Fact]
    public void A_crl_downloaded_anew_within_the_reuse_window_reaches_the_policy_at_once()
    {
        // The cache key holds object versions only; a download changes none of them. This is why a URL bundle's policy is never
        // remembered: within MaxAge, with every version unchanged, the second evaluation must still see the new CRL.
        var ca = TestCertificateAuthority.CreateRoot("CN=Fetched Root,O=Corp");
        var revoked = ca.IssueClient("CN=revoked,O=Corp");
        const string url = "http://crl.example.com/corp.crl";
        var world = World(bundleVersion: "7", ca);
        world.OfType<TrustBundle>().Single().Spec.Crls = [new CrlSource { Url = url }];
        var before = ca.CreateCrl(crlNumber: 1);
        ca.Revoke(revoked);
        var after = ca.CreateCrl(crlNumber: 2);

        var first = Policy(world, Now, Downloads(url, before));
        var second = Policy(world, Now.AddMilliseconds(500), Downloads(url, after));

        Assert.DoesNotContain(revoked.SerialNumber, SerialsOf(first));
        Assert.Contains(revoked.SerialNumber, SerialsOf(second));
    }

    [Fact]
    public void A_revocation_of_a_pinned_issued_certificate_is_evaluated_again_although_nothing_names_it()
    {
        var world = World(bundleVersion: "7");
        var policy = world.OfType<ClientAuthPolicy>().Single();
        policy.Spec.Pins.Add(new PinSpec { IssuedCertificateRef = new ObjectReference { Name = "agent" } });
        var issued = new IssuedClientCertificate
        {
            Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = Namespace, Uid = "issued-uid", ResourceVersion = "1" },
            Spec = new IssuedClientCertificateSpec { AuthorityRef = new ObjectReference { Name = "ca" }, Subject = "CN=agent" },
        };
        var revocation = new ClientCertificateRevocation
        {
            Metadata = new V1ObjectMeta { Name = "agent-leaves", NamespaceProperty = Namespace, Uid = "revocation-uid", ResourceVersion = "1" },
            Spec = new ClientCertificateRevocationSpec { AuthorityRef = new ObjectReference { Name = "ca" }, IssuedCertificateRef = new ObjectReference { Name = "agent" } },
        };
        Policy([.. world, issued], Now);

        Policy([.. world, issued, revocation], Now.AddMilliseconds(500));

        Assert.Equal(2, _evaluated);
    }

    [Fact]
    public void A_result_older_than_the_maximum_age_is_evaluated_again()
    {
        var world = World(bundleVersion: "7");
        Policy(world, Now);

        Policy(world, Now + SharedEvaluations.MaxAge);

        Assert.Equal(2, _evaluated);
    }

    [Fact]
    public void A_clock_that_went_back_is_evaluated_again()
    {
        var world = World(bundleVersion: "7");
        Policy(world, Now);

        Policy(world, Now.AddSeconds(-1));

        Assert.Equal(2, _evaluated);
    }

    [Fact]
    public void Objects_without_versions_are_never_remembered()
    {
        var world = World(bundleVersion: null);

        Policy(world, Now);
        Policy(world, Now);

        Assert.Equal(2, _evaluated);
    }

    private ClientAuthPolicyEvaluation Policy(IKubernetesObject<V1ObjectMeta>[] world, DateTimeOffset now, Engine.CrlDistribution.ICrlDownloads? downloads = null)
    {
        var policy = world.OfType<ClientAuthPolicy>().Single();
        var context = new EvaluationContext(ResourceSnapshot.Of(world), now);
        return _shared.Policy(policy, downloads is null ? context : context with { CrlDownloads = downloads }, (p, c) =>
        {
            _evaluated++;
            return new TrustEngine().Evaluate(p, c);
        });
    }

    private static Engine.CrlDistribution.CrlDownloads Downloads(string url, byte[] crl) =>
        new(new Dictionary<(string, string, string), Engine.CrlDistribution.CrlDownload> { [(Namespace, "corp", url)] = new(crl, Now.AddMinutes(-1), null, null) }, null);

    private static IReadOnlyList<string> SerialsOf(ClientAuthPolicyEvaluation result) =>
        [.. PemBlock.ReadAll(result.Admission?.CrlPem ?? "").SelectMany(b => CertificateRevocationList.Parse(b.Der).RevokedSerials)];

    /// <summary>A policy pinning one client, on a bundle of an inline root plus a Secret's root (<paramref name="extra"/>, or the same root).</summary>
    private static IKubernetesObject<V1ObjectMeta>[] World(string? bundleVersion, TestCertificateAuthority? extra = null, string secretVersion = "1")
    {
        var bundle = Bundle([Inline(s_root), new DataSource { Secret = new KeyReference { Name = "roots", Key = "ca.crt" } }], uid: bundleVersion is null ? null : "bundle-uid");
        bundle.Metadata.ResourceVersion = bundleVersion;
        var secret = Secret("roots", "ca.crt", PemExport.Certificate((extra ?? s_root).Certificate));
        (secret.Metadata.Uid, secret.Metadata.ResourceVersion) = ("secret-uid", secretVersion);
        var policy = new ClientAuthPolicy
        {
            Metadata = new V1ObjectMeta { Name = "agents", NamespaceProperty = Namespace, Generation = 1, Uid = "policy-uid", ResourceVersion = "3" },
            Spec = new ClientAuthPolicySpec { TrustBundleRef = new ObjectReference { Name = "corp" }, Pins = [new PinSpec { Sha256 = s_pin }] },
        };
        return [bundle, secret, policy];
    }
}
