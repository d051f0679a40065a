using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;

namespace MtlsOperator.Engine.Tests.Rendering;

public class HaproxyRendererTests
{
    private readonly HaproxyRenderer _renderer = new();

    [Fact]
    public void Pinned_listener_renders_sha1_and_sha256_pins()
    {
        var model = SampleModels.Pinned([.. SampleModels.BothPins]);
        Assert.Empty(_renderer.FindUnenforceable(model));
        GoldenFile.Verify("haproxy-pinned", _renderer.Render(model));
    }

    [Fact]
    public void Rules_sni_crl_and_identity_header_render_as_expected()
    {
        var model = SampleModels.RulesWithSni();
        Assert.Empty(_renderer.FindUnenforceable(model));
        GoldenFile.Verify("haproxy-rules-sni", _renderer.Render(model));
    }

    [Fact]
    public void Path_rules_and_upstream_tls_render_as_the_golden_file()
    {
        var model = SampleModels.PathsWithUpstreamTls();

        Assert.Empty(_renderer.FindUnenforceable(model));
        Assert.Empty(((IProxyRenderer)_renderer).FindLimitsExceeded(model));
        GoldenFile.Verify("haproxy-paths-upstream-tls", _renderer.Render(model));
    }

    [Fact]
    public void Same_policy_in_another_order_renders_the_same_bytes()
    {
        var model = SampleModels.RulesWithSni() with { Pins = SampleModels.BothPins };
        var reordered = model with { Pins = [.. model.Pins.Reverse()], Rules = [.. model.Rules.Reverse()] };
        Assert.Equal(_renderer.Render(model), _renderer.Render(reordered));
    }

    [Fact]
    public void Every_served_certificate_gets_its_key_copied_where_haproxy_looks_for_it()
    {
        var copies = _renderer.FileCopies(SampleModels.RulesWithSni());
        Assert.Equal(
            new Dictionary<string, string> { ["sni-tenants.crt.key"] = "sni-tenants.key", ["tls.crt.key"] = "tls.key" },
            copies);
    }

    [Fact]
    public void Spki_pins_are_refused_with_the_certificate_advice()
    {
        var model = SampleModels.Pinned(new CertificatePin(PinAlgorithm.SpkiSha256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="));
        var reason = Assert.Single(_renderer.FindUnenforceable(model));
        Assert.Contains("spki-sha256", reason, StringComparison.Ordinal);
        Assert.Contains("give the client certificate itself as the pin (spec.pins[].certificate) and every form is derived", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_crls_are_tolerated_only_for_ca_certificates()
    {
        var model = SampleModels.RulesWithSni();
        Assert.Empty(_renderer.FindUnenforceable(model));
        var config = _renderer.Render(model)["haproxy.cfg"];
        Assert.Contains("crl-file /etc/mtls/ca.crl ca-ignore-err 3", config, StringComparison.Ordinal);
        Assert.DoesNotContain("crt-ignore-err", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_missing_crls_no_verify_error_is_ignored()
    {
        var config = _renderer.Render(SampleModels.RulesWithSni() with { CasWithoutCrl = [] })["haproxy.cfg"];
        Assert.DoesNotContain("ignore-err", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Verification_is_never_optional()
    {
        foreach (var model in new[] { SampleModels.Pinned(), SampleModels.RulesWithSni() })
        {
            var config = _renderer.Render(model)["haproxy.cfg"];
            Assert.Contains(" verify required ca-file /etc/mtls/ca.crt", config, StringComparison.Ordinal);
            Assert.DoesNotContain("verify none", config, StringComparison.Ordinal);
            Assert.DoesNotContain("verify optional", config, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_model_without_pins_or_rules_denies_everyone_even_if_rendered()
    {
        var model = SampleModels.Pinned() with { Pins = [] };
        Assert.Contains(_renderer.FindUnenforceable(model), r => r.Contains("neither pins nor rules", StringComparison.Ordinal));
        var config = _renderer.Render(model)["haproxy.cfg"];
        Assert.DoesNotContain("set-var(txn.mtls_admitted)", config, StringComparison.Ordinal);
        Assert.Contains("    http-request deny deny_status 403 unless { var(txn.mtls_admitted) -m bool }\n", config, StringComparison.Ordinal);
    }
}
