using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>What Envoy cannot enforce exactly is refused, never approximated.</summary>
public sealed class EnvoyRefusalTests
{
    [Fact]
    public void Envoy_enforces_sha256_and_spki_pins_only()
    {
        Assert.Equal([PinAlgorithm.Sha256, PinAlgorithm.SpkiSha256], Renderer.SupportedPinAlgorithms.Order());
    }

    [Fact]
    public void A_valid_model_has_nothing_unenforceable()
    {
        Assert.Empty(Renderer.FindUnenforceable(Model()));
        Assert.Empty(Renderer.FindUnenforceable(WithRules(Dns("a.example.com"), Uri("spiffe://corp/a"))));
    }

    [Fact]
    public void Sha1_pin_is_refused_with_advice_to_pin_the_certificate_itself()
    {
        var problem = Assert.Single(Renderer.FindUnenforceable(Model(new CertificatePin(PinAlgorithm.Sha1, new string('b', 40)))));

        Assert.Contains("SHA-1", problem, StringComparison.Ordinal);
        Assert.Contains("spec.pins[].certificate", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN=Corp Issuing CA,O=Corp", null)]
    [InlineData(null, "CN=agent-*,O=Corp")]
    public void Issuer_and_subject_rules_are_refused_because_envoy_matches_sans_only(string? issuer, string? subject)
    {
        var problem = Assert.Single(Renderer.FindUnenforceable(WithRules(new ClientMatchRule(issuer, subject, null, null))));

        Assert.Contains("issuer or subject", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pins_and_rules_together_are_refused_because_envoy_would_and_them()
    {
        var model = Model() with { Rules = [Dns("a.example.com")] };

        var problem = Assert.Single(Renderer.FindUnenforceable(model));

        Assert.Contains("pins and rules", problem, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Renderer.Render(model));
    }

    [Fact]
    public void A_rule_needing_a_dns_and_a_uri_san_is_refused_because_envoy_ors_san_matchers()
    {
        var problem = Assert.Single(Renderer.FindUnenforceable(WithRules(new ClientMatchRule(null, null, "a.example.com", "spiffe://corp/a"))));

        Assert.Contains("AND", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_to_match_is_refused_rather_than_admitting_the_whole_bundle()
    {
        Assert.NotEmpty(Renderer.FindUnenforceable(Model() with { Pins = [] }));
        Assert.NotEmpty(Renderer.FindUnenforceable(WithRules(new ClientMatchRule(null, null, null, null))));
    }

    [Fact]
    public void Cas_without_crl_are_refused_unless_crls_can_only_revoke_leaves()
    {
        var model = Model() with { CrlFile = "ca.crl", CasWithoutCrl = ["CN=Corp Root,O=Corp"] };

        var problem = Assert.Single(Renderer.FindUnenforceable(model));

        Assert.Contains("CN=Corp Root,O=Corp", problem, StringComparison.Ordinal);
        Assert.Empty(Renderer.FindUnenforceable(model with { CrlsRevokeOnlyLeaves = true }));
    }

    [Theory]
    [InlineData("a*.example.com")]
    [InlineData("*")]
    [InlineData("app_example.com")]
    [InlineData("app example.com")]
    public void Server_names_envoy_cannot_match_are_refused(string host)
    {
        var model = Model() with { ServerCertificates = [new("web", [host], "tls.crt", "tls.key")] };

        Assert.NotEmpty(Renderer.FindUnenforceable(model));
    }

    [Theory]
    [InlineData("host")]
    [InlineData(":authority")]
    [InlineData("x-id\nx-admin: yes")]
    [InlineData("x id")]
    [InlineData("x-id\n")]
    public void Forward_headers_envoy_may_not_set_are_refused(string header)
    {
        Assert.NotEmpty(Renderer.FindUnenforceable(Model() with { ForwardIdentityHeader = header }));
    }

    [Theory]
    [InlineData(PinAlgorithm.Sha256, "AA")]
    [InlineData(PinAlgorithm.Sha256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(PinAlgorithm.SpkiSha256, "not base64")]
    [InlineData(PinAlgorithm.SpkiSha256, "AAAA")]
    public void Malformed_pins_are_refused(PinAlgorithm algorithm, string value)
    {
        Assert.NotEmpty(Renderer.FindUnenforceable(Model(new CertificatePin(algorithm, value))));
    }

    [Theory]
    [InlineData("../ca.crt")]
    [InlineData("envoy.yaml")]
    [InlineData("sds-validation.yaml")]
    public void Ca_keys_that_escape_or_collide_with_rendered_files_are_refused(string key)
    {
        Assert.NotEmpty(Renderer.FindUnenforceable(Model() with { CaFile = key }));
    }

    [Fact]
    public void Rules_with_default_pins_render_without_pin_lists()
    {
        var model = Model() with { Pins = default, Rules = [Dns("a.example.com")] };

        Assert.Empty(Renderer.FindUnenforceable(model));
        Assert.DoesNotContain("verify_certificate", Renderer.Render(model)["sds-validation.yaml"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("etc/mtls")]
    [InlineData("/etc/mtls\n")]
    public void Mount_paths_that_are_not_plain_absolute_paths_are_refused(string path)
    {
        Assert.NotEmpty(Renderer.FindUnenforceable(Model() with { MountPath = path }));
    }
}
