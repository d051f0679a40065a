using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>The upstream host is a DNS name or a canonical IP literal, and a name that does not resolve yet never stops a proxy.</summary>
public sealed class UpstreamHostTests
{
    [Theory]
    [InlineData("127.0.0.1", UpstreamHostKind.IpAddress)]
    [InlineData("10.0.0.255", UpstreamHostKind.IpAddress)]
    [InlineData("::1", UpstreamHostKind.IpAddress)]
    [InlineData("fd00::7", UpstreamHostKind.IpAddress)]
    [InlineData("localhost", UpstreamHostKind.Localhost)]
    [InlineData("LocalHost.", UpstreamHostKind.Localhost)]
    [InlineData("app", UpstreamHostKind.DnsName)]
    [InlineData("app.payments.svc.cluster.local", UpstreamHostKind.DnsName)]
    [InlineData("app.payments.svc.cluster.local.", UpstreamHostKind.DnsName)]
    [InlineData("0app.example", UpstreamHostKind.DnsName)]
    public void Names_and_canonical_addresses_are_accepted(string host, UpstreamHostKind kind) => Assert.Equal(kind, UpstreamHost.Classify(host));

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.2.3")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("010.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("10.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("[::1]")]
    [InlineData("app:8080")]
    [InlineData("-app")]
    [InlineData("app-")]
    [InlineData("a..b")]
    [InlineData("app;evil")]
    [InlineData("app example")]
    [InlineData("app\nserver x 1.2.3.4:80")]
    [InlineData(".")]
    [InlineData("café.example")]
    public void Anything_else_is_refused(string host)
    {
        Assert.Null(UpstreamHost.Classify(host));
        if (host.Length > 0)
        {
            Assert.Contains(new HaproxyRenderer().FindUnenforceable(SampleModels.Pinned() with { UpstreamHost = host }),
                r => r.Contains("upstream host", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Haproxy_starts_without_an_address_for_a_name_and_resolves_it_at_run_time()
    {
        var config = new HaproxyRenderer().Render(SampleModels.Pinned() with { UpstreamHost = "app.payments.svc.cluster.local" })["haproxy.cfg"];

        Assert.Contains("    server app app.payments.svc.cluster.local:8080 init-addr libc,none resolvers mtls_dns resolve-prefer ipv4\n", config, StringComparison.Ordinal);
        Assert.Contains("resolvers mtls_dns\n    parse-resolv-conf\n", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Haproxy_takes_localhost_from_etc_hosts_only()
    {
        var config = new HaproxyRenderer().Render(SampleModels.Pinned() with { UpstreamHost = "localhost" })["haproxy.cfg"];

        Assert.Contains("    server app localhost:8080 init-addr libc,none\n", config, StringComparison.Ordinal);
        Assert.DoesNotContain("resolvers", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Nginx_resolves_a_name_per_request_with_the_resolver_the_sidecar_supplies()
    {
        var model = SampleModels.Pinned() with { UpstreamHost = "app.payments.svc.cluster.local" };
        var config = new NginxRenderer().Render(model)["nginx.conf"];

        Assert.Contains("    include /tmp/mtls-payments-agent-nginx-resolver.con[f];\n", config, StringComparison.Ordinal);
        Assert.Equal("/tmp/mtls-payments-agent-nginx-resolver.conf", NginxRuntimePaths.ResolverFile(model));
        Assert.Contains("            set $mtls_upstream_host app.payments.svc.cluster.local;\n", config, StringComparison.Ordinal);
        Assert.Contains("            proxy_pass http://$mtls_upstream_host:8080;\n", config, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "proxy_pass http://127.0.0.1:8080;")]
    [InlineData("localhost", "proxy_pass http://localhost:8080;")]
    public void Nginx_uses_addresses_and_localhost_as_written(string host, string proxyPass)
    {
        var config = new NginxRenderer().Render(SampleModels.Pinned() with { UpstreamHost = host })["nginx.conf"];

        Assert.Contains(proxyPass, config, StringComparison.Ordinal);
        Assert.DoesNotContain("resolver", config, StringComparison.Ordinal);
    }
}

/// <summary>The resolver file a sidecar writes for nginx from the pod's resolv.conf.</summary>
public sealed class NginxResolverTests
{
    [Fact]
    public void Every_nameserver_of_resolv_conf_becomes_a_resolver_address()
    {
        const string ResolvConf = "search payments.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\r\nnameserver\tfd00::a\noptions ndots:5\n";

        Assert.EndsWith("resolver 10.96.0.10 [fd00::a] valid=10s;\n", NginxResolver.FileContent(ResolvConf), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nameserver 10.0.0.1; include /etc/passwd\n")]
    [InlineData("nameserver dns.example\n")]
    public void Nothing_but_ip_addresses_reaches_the_config(string resolvConf) =>
        Assert.EndsWith("resolver 127.0.0.1 valid=10s;\n", NginxResolver.FileContent(resolvConf), StringComparison.Ordinal);
}
