using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>What the proxies cannot enforce is refused before any file is written, with the way out in the message.</summary>
public sealed class EngineRefusalTests
{
    private const string Advice = "give the client certificate itself as the pin (spec.pins[].certificate) and every form is derived";

    private static ProxyPki Pki => ProxyPki.Instance;

    [Theory]
    [InlineData(ProxyKind.Nginx, PinForm.Sha256)]
    [InlineData(ProxyKind.Nginx, PinForm.SpkiSha256)]
    [InlineData(ProxyKind.Haproxy, PinForm.SpkiSha256)]
    public void Pin_forms_the_proxy_cannot_check_are_refused(ProxyKind kind, PinForm form)
    {
        var reasons = Refusals(kind, Scenarios.TwoAgents() with { Pins = [new ScenarioPin(form, Pki.Pinned)] });
        Assert.Contains(reasons, r => r.Contains(Advice, StringComparison.Ordinal));
    }

    [Fact]
    public void Nginx_refuses_a_ca_without_a_crl_naming_it_and_the_fix()
    {
        var reasons = Refusals(ProxyKind.Nginx, Scenarios.MissingRootCrl());
        Assert.Contains(reasons, r => r.Contains("CN=Corp Root,O=Corp", StringComparison.Ordinal) && r.Contains("an empty CRL", StringComparison.Ordinal));
    }

    [Fact]
    public void Haproxy_accepts_a_ca_without_a_crl() => Assert.Empty(Refusals(ProxyKind.Haproxy, Scenarios.MissingRootCrl()));

    private static IReadOnlyList<string> Refusals(ProxyKind kind, ListenerScenario scenario) =>
        kind.Renderer().FindUnenforceable(RenderedListener.Model(kind, scenario, "refused", "/etc/mtls", 8443, 8080));
}
