using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Refusals shared by both renderers: each is asserted through both, since both must refuse.</summary>
public class RenderInputCheckTests
{
    public static TheoryData<string> Proxies => new() { "haproxy", "nginx" };

    [Theory]
    [MemberData(nameof(Proxies))]
    public void Dns_san_rules_are_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { Rules = [new ClientMatchRule(null, "CN=a", "a.example.com", null)] }, "DNS SAN");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void Uri_san_rules_are_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { Rules = [new ClientMatchRule(null, "CN=a", null, "spiffe://corp/a")] }, "URI SAN");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void A_rule_without_issuer_and_subject_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { Rules = [new ClientMatchRule(null, null, null, null)] }, "would admit every client");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void An_empty_policy_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { Pins = [] }, "neither pins nor rules");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void Unknown_dn_attributes_are_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { Rules = [new ClientMatchRule(null, "XYZ=a,O=Corp", null, null)] }, "attribute type \"XYZ\"");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void Malformed_pins_are_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned(new CertificatePin(PinAlgorithm.Sha1, "AB:CD")), "is not 40 lowercase hex digits");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void A_header_name_that_could_break_the_config_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { ForwardIdentityHeader = "X-Id \"x\";\nevil" }, "identity header");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void A_framing_header_as_identity_header_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { ForwardIdentityHeader = "content-length" }, "framing or routing header");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void A_hostname_that_could_break_the_config_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with
        {
            ServerCertificates = [new ServerCertificateFiles("x", ["a.example.com; evil"], "tls.crt", "tls.key")],
        }, "not a DNS name");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void A_mount_path_that_could_break_the_config_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { MountPath = "/etc/m tls" }, "mount path");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void An_upstream_host_that_could_break_the_config_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { UpstreamHost = "app;evil" }, "upstream host");

    [Theory]
    [MemberData(nameof(Proxies))]
    public void No_server_certificate_is_refused(string proxy) =>
        AssertRefused(proxy, SampleModels.Pinned() with { ServerCertificates = [] }, "No server certificate");

    private static void AssertRefused(string proxy, ListenerRenderModel model, string expected)
    {
        IProxyRenderer renderer = proxy == "nginx" ? new NginxRenderer() : new HaproxyRenderer();
        var reasons = renderer.FindUnenforceable(model);
        Assert.Contains(reasons, r => r.Contains(expected, StringComparison.Ordinal));
    }
}
