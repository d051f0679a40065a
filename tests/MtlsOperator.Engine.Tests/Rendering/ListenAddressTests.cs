using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Addresses in the syntax each proxy parses (checked with <c>haproxy -c</c> and <c>nginx -t</c>).</summary>
public class ListenAddressTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", "    bind :8443 ssl", "    server app 127.0.0.1:8080")]
    [InlineData("127.0.0.1", "127.0.0.1", "    bind 127.0.0.1:8443 ssl", "    server app 127.0.0.1:8080")]
    [InlineData("::1", "::1", "    bind ipv6@::1:8443 ssl", "    server app ipv6@::1:8080")]
    public void Haproxy_binds_and_forwards_to_the_given_addresses(string? listen, string upstream, string bind, string server)
    {
        var config = new HaproxyRenderer().Render(SampleModels.Pinned() with { ListenAddress = listen, UpstreamHost = upstream })["haproxy.cfg"];
        Assert.Contains(bind, config, StringComparison.Ordinal);
        Assert.Contains(server + "\n", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "127.0.0.1", "listen 8443 ssl default_server;", "proxy_pass http://127.0.0.1:8080;")]
    [InlineData("127.0.0.1", "app.internal", "listen 127.0.0.1:8443 ssl default_server;", "proxy_pass http://$mtls_upstream_host:8080;")]
    [InlineData("::1", "::1", "listen [::1]:8443 ssl default_server;", "proxy_pass http://[::1]:8080;")]
    public void Nginx_listens_and_forwards_to_the_given_addresses(string? listen, string upstream, string directive, string proxyPass)
    {
        var config = new NginxRenderer().Render(SampleModels.Pinned() with { ListenAddress = listen, UpstreamHost = upstream })["nginx.conf"];
        Assert.Contains(directive, config, StringComparison.Ordinal);
        Assert.Contains(proxyPass, config, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listen_address_that_is_not_an_ip_is_refused() =>
        Assert.Contains(new NginxRenderer().FindUnenforceable(SampleModels.Pinned() with { ListenAddress = "0.0.0.0; evil" }),
            r => r.Contains("listen address", StringComparison.Ordinal));
}
