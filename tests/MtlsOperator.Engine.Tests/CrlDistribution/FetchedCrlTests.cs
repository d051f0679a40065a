using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.CrlDistribution.FetchedCrlWorld;

namespace MtlsOperator.Engine.Tests.CrlDistribution;

/// <summary>How a TrustBundle uses CRLs fetched from URLs: verified like every CRL, the later of the downloaded and the held one, the last good
/// one kept when fetches fail, and fail closed once it has expired.</summary>
public sealed class FetchedCrlTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Fetch Test CA,O=Corp");
    private static readonly DateTimeOffset s_now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static FetchedCrlWorld World() => new(s_ca, s_now);

    private static string CrlPemOf(TrustBundleEvaluation r) => r.Output!.Data[TrustBundleEvaluator.CrlKey];

    private static string Pem(byte[] der) => new string(System.Security.Cryptography.PemEncoding.Write("X509 CRL", der)) + "\n";

    [Fact]
    public void A_downloaded_crl_signed_by_the_bundle_ca_is_rendered_and_held_in_the_output_config_map()
    {
        var world = World();
        var crl = world.Crl(3);

        var result = world.Step(world.Received(crl));

        Assert.Equal(TrustBundleReasons.Rendered, Ready(result));
        Assert.Equal(Pem(crl), CrlPemOf(result));
        Assert.Equal(crl, result.Output!.BinaryData[HeldCrls.KeyOf(Url)]);
        var fetch = Assert.Single(result.Status.CrlFetches!);
        Assert.Equal(Url, fetch.Url);
        Assert.Equal("spec.crls[0]", fetch.Source);
        Assert.Equal("3", fetch.CrlNumber);
        Assert.Equal(s_now.UtcDateTime, fetch.FetchedAt);
        Assert.Null(fetch.Error);
        Assert.Equal("True", Condition(result, ConditionTypes.CrlsFetched)!.Status);
    }

    [Fact]
    public void A_url_not_fetched_yet_keeps_the_bundle_not_ready_and_waiting()
    {
        var result = World().Step(null);

        Assert.Equal(TrustBundleReasons.CrlNotFetched, Ready(result));
        Assert.Null(result.Output);
        Assert.Equal("True", Condition(result, ConditionTypes.Reconciling)!.Status);
    }

    [Fact]
    public void A_failed_first_fetch_keeps_the_bundle_not_ready_with_the_error()
    {
        var result = World().Step(Failed("the server answered HTTP 404 Not Found", s_now));

        Assert.Equal(TrustBundleReasons.CrlFetchFailed, Ready(result));
        Assert.Contains("HTTP 404", result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
        Assert.Null(result.Output);
    }

    [Fact]
    public void When_fetches_fail_the_held_crl_stays_rendered_and_the_error_and_its_start_are_in_status()
    {
        var world = World();
        var crl = world.Crl(3);
        world.Step(world.Received(crl));
        world.Now += TimeSpan.FromHours(2);

        var result = world.Step(Failed("no complete answer within 30 seconds", world.Now));

        Assert.Equal(TrustBundleReasons.Rendered, Ready(result));
        Assert.Equal(Pem(crl), CrlPemOf(result));
        var fetch = Assert.Single(result.Status.CrlFetches!);
        Assert.Equal("no complete answer within 30 seconds", fetch.Error);
        Assert.Equal(world.Now.UtcDateTime, fetch.FailingSince);
        Assert.Equal(s_now.UtcDateTime, fetch.FetchedAt);
        var condition = Condition(result, ConditionTypes.CrlsFetched)!;
        Assert.Equal("False", condition.Status);
        Assert.Equal(TrustBundleReasons.CrlFetchFailed, condition.Reason);
        Assert.Contains(Url, condition.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restarted_operator_with_no_download_yet_renders_the_crl_held_in_the_config_map_and_keeps_its_status()
    {
        var world = World();
        world.Step(world.Received(world.Crl(3)));
        var before = world.Last!.Status.CrlFetches!.Single();
        world.Now += TimeSpan.FromMinutes(5);

        var result = world.Step(null);

        Assert.Equal(TrustBundleReasons.Rendered, Ready(result));
        var after = result.Status.CrlFetches!.Single();
        Assert.Equal(before.FetchedAt, after.FetchedAt);
        Assert.Equal(before.Sha256, after.Sha256);
        Assert.Null(after.Error);
    }

    [Fact]
    public void A_crl_not_signed_by_the_bundle_ca_is_never_rendered_and_the_held_one_stays()
    {
        var world = World();
        var good = world.Crl(3);
        world.Step(world.Received(good));
        var impostor = TestCertificateAuthority.CreateRoot("CN=Fetch Test CA,O=Corp").CreateCrl(s_now.AddMinutes(-1), s_now.AddDays(7), 9);

        var result = world.Step(world.Received(impostor));

        Assert.Equal(Pem(good), CrlPemOf(result));
        Assert.Contains("signature does not verify", result.Status.CrlFetches!.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_download_is_never_rendered_and_the_held_one_stays()
    {
        var world = World();
        var good = world.Crl(3);
        world.Step(world.Received(good));

        var result = world.Step(world.Received(Encoding.ASCII.GetBytes("<html>captive portal</html>")));

        Assert.Equal(TrustBundleReasons.Rendered, Ready(result));
        Assert.Equal(Pem(good), CrlPemOf(result));
        Assert.StartsWith("the URL serves a CRL that is not used", result.Status.CrlFetches!.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_older_crl_served_again_does_not_replace_the_newer_one_held()
    {
        var world = World();
        var older = world.Crl(3, age: TimeSpan.FromHours(2));
        var newer = world.Crl(4);
        world.Step(world.Received(newer));

        var result = world.Step(world.Received(older));

        Assert.Equal(Pem(newer), CrlPemOf(result));
        Assert.Contains("older CRL", result.Status.CrlFetches!.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_download_replaces_the_held_crl()
    {
        var world = World();
        world.Step(world.Received(world.Crl(3)));
        world.Now += TimeSpan.FromHours(1);
        var newer = world.Crl(4);

        var result = world.Step(world.Received(newer));

        Assert.Equal(Pem(newer), CrlPemOf(result));
        Assert.Equal(newer, result.Output!.BinaryData[HeldCrls.KeyOf(Url)]);
        Assert.Equal(world.Now.UtcDateTime, result.Status.CrlFetches!.Single().FetchedAt);
    }

    [Fact]
    public void Once_the_held_crl_has_expired_without_a_fresh_one_the_bundle_fails_closed()
    {
        var world = World();
        world.Step(world.Received(world.Crl(3, validFor: TimeSpan.FromHours(1))));
        world.Now += TimeSpan.FromHours(2);

        var result = world.Step(Failed("the server answered HTTP 503 Test", world.Now));

        Assert.Equal(TrustBundleReasons.CrlExpired, Ready(result));
        Assert.Null(result.Output);
        Assert.Contains("HTTP 503", result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_held_crl_in_a_config_map_the_bundle_does_not_own_is_not_used()
    {
        var world = World();
        var planted = new k8s.Models.V1ConfigMap
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "other", NamespaceProperty = "team-a" },
            BinaryData = new Dictionary<string, byte[]> { [HeldCrls.KeyOf(Url)] = world.Crl(3) },
        };
        world.Bundle.Spec.OutputConfigMapName = "other";

        var result = world.Step(null, Url, planted);

        Assert.NotEqual(TrustBundleReasons.Rendered, Ready(result));
        Assert.Null(result.Output);
    }

    [Theory]
    [InlineData("ldap://crl.example.test/cn=x")]
    [InlineData("http://user:secret@crl.example.test/x.crl")]
    [InlineData("file:///etc/passwd")]
    [InlineData("crl.example.test/x.crl")]
    public void A_url_the_operator_will_not_fetch_is_refused(string url)
    {
        var world = new FetchedCrlWorld(s_ca, s_now, spec => spec.Crls = [new CrlSource { Url = url }]);

        var result = world.Step(null, url);

        Assert.Equal(TrustBundleReasons.InvalidSpec, Ready(result));
    }

    [Fact]
    public void A_crl_source_with_a_url_and_inline_text_is_refused()
    {
        var world = new FetchedCrlWorld(s_ca, s_now, spec => spec.Crls = [new CrlSource { Url = Url, Inline = s_ca.CreateCrlPem() }]);

        var result = world.Step(null);

        Assert.Equal(DataSourceReasons.InvalidSource, Ready(result));
    }

    [Fact]
    public void With_distribution_points_on_the_intermediates_point_names_the_root_crl_that_is_fetched()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=CDP Root,O=Corp");
        const string rootCrlUrl = "http://pki.example.test/root.crl";
        var cdp = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["ldap://pki.example.test/root", rootCrlUrl]);
        var intermediate = root.CreateIntermediate("CN=CDP Issuing,O=Corp", extensions: [cdp]);
        var world = new FetchedCrlWorld(intermediate, s_now, spec =>
        {
            spec.FetchCrlDistributionPoints = true;
            spec.Crls = [new CrlSource { Inline = intermediate.CreateCrlPem() }];
        }, [root, intermediate]);
        var rootCrl = root.CreateCrl(s_now.AddMinutes(-5), s_now.AddDays(7), 2);

        var result = world.Step(world.Received(rootCrl), rootCrlUrl);

        Assert.True(Ready(result) == TrustBundleReasons.Rendered, string.Join("; ", result.Status.Problems.Select(p => p.Reason + ": " + p.Message)));
        var fetch = Assert.Single(result.Status.CrlFetches!);
        Assert.Equal(rootCrlUrl, fetch.Url);
        Assert.StartsWith("crlDistributionPoints of spec.sources[0]", fetch.Source, StringComparison.Ordinal);
        Assert.Equal(2, result.Status.Crls.Count);
    }

    [Fact]
    public void Without_the_flag_distribution_points_are_not_fetched()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=CDP Root 2,O=Corp");
        var cdp = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.example.test/root2.crl"]);
        var intermediate = root.CreateIntermediate("CN=CDP Issuing 2,O=Corp", extensions: [cdp]);
        var world = new FetchedCrlWorld(intermediate, s_now, spec => spec.Crls = [new CrlSource { Inline = intermediate.CreateCrlPem() }], [root, intermediate]);

        var result = world.Step(null);

        Assert.Null(result.Status.CrlFetches);
        Assert.Null(Condition(result, ConditionTypes.CrlsFetched));
    }

    [Fact]
    public void A_download_over_the_size_limit_is_not_used()
    {
        var world = World();

        var result = world.Step(world.Received(new byte[InputLimits.MaxSourceBytes + 1]));

        Assert.Equal(DataSourceReasons.SourceTooLarge, Ready(result));
    }

    [Fact]
    public void Refetching_the_same_crl_leaves_the_status_and_output_unchanged()
    {
        var world = World();
        var crl = world.Crl(3);
        var first = world.Step(world.Received(crl));
        var status = k8s.KubernetesJson.Serialize(first.Status);
        world.Now += TimeSpan.FromHours(1);

        // The shell keeps ReceivedAt when the same bytes come again; the engine keeps fetchedAt from the status whatever the shell says.
        var again = world.Step(world.Received(crl, world.Now));

        Assert.Equal(k8s.KubernetesJson.Serialize(first.Output), k8s.KubernetesJson.Serialize(again.Output));
        Assert.Equal(first.Status.CrlFetches!.Single().FetchedAt, again.Status.CrlFetches!.Single().FetchedAt);
        Assert.Equal(status.Replace("\"lastTransitionTime\"", "", StringComparison.Ordinal).Length,
            k8s.KubernetesJson.Serialize(again.Status).Replace("\"lastTransitionTime\"", "", StringComparison.Ordinal).Length);
    }
}
