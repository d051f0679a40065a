using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Tests.Rendering;

public class NginxRendererTests
{
    private readonly NginxRenderer _renderer = new();

    [Fact]
    public void Pinned_listener_renders_a_sha1_pin_map()
    {
        var model = SampleModels.Pinned();
        Assert.Empty(_renderer.FindUnenforceable(model));
        GoldenFile.Verify("nginx-pinned", _renderer.Render(model));
    }

    [Fact]
    public void Rules_sni_crl_and_identity_header_render_as_expected()
    {
        var model = SampleModels.RulesWithSni() with { CasWithoutCrl = [] };
        Assert.Empty(_renderer.FindUnenforceable(model));
        GoldenFile.Verify("nginx-rules-sni", _renderer.Render(model));
    }

    [Fact]
    public void Path_rules_and_upstream_tls_render_as_the_golden_file()
    {
        var model = SampleModels.PathsWithUpstreamTls();

        Assert.Empty(_renderer.FindUnenforceable(model));
        Assert.Empty(((IProxyRenderer)_renderer).FindLimitsExceeded(model));
        GoldenFile.Verify("nginx-paths-upstream-tls", _renderer.Render(model));
    }

    [Fact]
    public void Same_policy_in_another_order_renders_the_same_bytes()
    {
        var model = SampleModels.RulesWithSni() with { CasWithoutCrl = [], Pins = [new CertificatePin(PinAlgorithm.Sha1, SampleModels.Sha1), new CertificatePin(PinAlgorithm.Sha1, new string('e', 40))] };
        var reordered = model with { Pins = [.. model.Pins.Reverse()], Rules = [.. model.Rules.Reverse()] };
        Assert.Equal(_renderer.Render(model), _renderer.Render(reordered));
    }

    [Theory]
    [InlineData(PinAlgorithm.Sha256, SampleModels.Sha256, "sha256")]
    [InlineData(PinAlgorithm.SpkiSha256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "spki-sha256")]
    public void Pins_other_than_sha1_are_refused_with_the_certificate_advice(PinAlgorithm algorithm, string value, string name)
    {
        var reason = Assert.Single(_renderer.FindUnenforceable(SampleModels.Pinned(new CertificatePin(algorithm, value))));
        Assert.Contains($"nginx cannot enforce a {name} pin (it enforces: sha1)", reason, StringComparison.Ordinal);
        Assert.Contains("give the client certificate itself as the pin (spec.pins[].certificate) and every form is derived", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cas_without_crl_are_refused_naming_them_and_the_fix()
    {
        var model = SampleModels.RulesWithSni() with { CasWithoutCrl = ["CN=Corp Root,O=Corp", "CN=Other Root,O=Other"] };
        var reason = Assert.Single(_renderer.FindUnenforceable(model));
        Assert.Contains("CN=Corp Root,O=Corp; CN=Other Root,O=Other", reason, StringComparison.Ordinal);
        Assert.Contains("Add a CRL for each of them", reason, StringComparison.Ordinal);
        Assert.Contains("an empty CRL", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cas_without_crl_do_not_matter_when_revocation_is_off()
    {
        var model = SampleModels.RulesWithSni() with { CrlFile = null };
        Assert.Empty(_renderer.FindUnenforceable(model));
        Assert.DoesNotContain("ssl_crl", _renderer.Render(model)["nginx.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_server_block_verifies_clients_and_denies_the_unadmitted()
    {
        var config = _renderer.Render(SampleModels.RulesWithSni() with { CasWithoutCrl = [] })["nginx.conf"];
        Assert.Equal(2, Occurrences(config, "server {"));
        Assert.Equal(2, Occurrences(config, "ssl_verify_client on;"));
        Assert.Equal(2, Occurrences(config, "if ($mtls_admitted != 1) {"));
        Assert.DoesNotContain("optional", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_files_stay_out_of_the_read_only_mount()
    {
        var model = SampleModels.Pinned();
        var config = _renderer.Render(model)["nginx.conf"];
        Assert.Contains($"pid {NginxRuntimePaths.PidFile(model)};", config, StringComparison.Ordinal);
        Assert.StartsWith("/tmp/", NginxRuntimePaths.PidFile(model), StringComparison.Ordinal);
        Assert.Contains("error_log stderr", config, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
