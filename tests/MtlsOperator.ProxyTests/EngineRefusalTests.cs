using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>What a proxy cannot enforce is refused by <c>mtls-operator render</c> (exit 1, listener not Ready) before any output is
/// written, with the way out in the message.</summary>
public sealed class EngineRefusalTests
{
    private static ProxyPki Pki => ProxyPki.Instance;

    [Theory]
    [InlineData(ProxyKind.Nginx, PinForm.Sha256)]
    [InlineData(ProxyKind.Nginx, PinForm.SpkiSha256)]
    [InlineData(ProxyKind.Haproxy, PinForm.SpkiSha256)]
    public void Pin_forms_the_proxy_cannot_check_are_refused(ProxyKind kind, PinForm form)
    {
        var result = Render(kind, Scenarios.TwoAgents() with { Pins = [new ScenarioPin(form, Pki.Pinned)] });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec.pins[].certificate", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Theory]
    [InlineData(ProxyKind.Nginx)]
    [InlineData(ProxyKind.Haproxy)]
    public void A_certificate_pin_is_enforced_by_every_proxy(ProxyKind kind)
    {
        var result = Render(kind, Scenarios.TwoAgents() with { Pins = [new ScenarioPin(PinForm.Certificate, Pki.Pinned)] });
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public void Nginx_refuses_a_ca_without_a_crl_naming_it_and_the_fix()
    {
        var result = Render(ProxyKind.Nginx, Scenarios.MissingRootCrl());
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CN=Corp Root,O=Corp", result.Output, StringComparison.Ordinal);
        Assert.Contains("an empty CRL", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void Haproxy_renders_a_ca_without_a_crl()
    {
        var result = Render(ProxyKind.Haproxy, Scenarios.MissingRootCrl());
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("ca-ignore-err 3", result.Files["haproxy.cfg"], StringComparison.Ordinal);
    }

    [Fact]
    public void Haproxy_output_holds_each_key_where_haproxy_looks_for_it()
    {
        var result = Render(ProxyKind.Haproxy, Scenarios.Rules());
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(result.Files["tls.key"], result.Files["tls.crt.key"]);
        Assert.Equal(result.Files["sni-refused-exact.key"], result.Files["sni-refused-exact.crt.key"]);
    }

    private static CliRenderResult Render(ProxyKind kind, ListenerScenario scenario) =>
        CliRender.Run(kind, scenario, "refused", "/etc/mtls", 8443, 8080);
}
