using System.Net;
using CsCheck;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Engine.Tests.Rendering;

namespace MtlsOperator.Engine.Tests.Serving;

/// <summary>Where the sidecar connects to know the proxy accepts: read back from the configs the renderers write, for seeded
/// listen addresses (none, wildcards, IPv4, IPv6) and ports. On failure CsCheck prints the seed; replay with <c>CsCheck_Seed</c>.</summary>
public sealed class ListenEndpointTests
{
    private static readonly Gen<string?> s_address = Gen.OneOf(
        Gen.Const((string?)null),
        Gen.Const<string?>("0.0.0.0"),
        Gen.Const<string?>("::"),
        Gen.Byte.Array[4].Select(b => (string?)new IPAddress(b).ToString()),
        Gen.Byte.Array[16].Select(b => (string?)new IPAddress(b).ToString()));

    [Fact]
    public void The_endpoint_read_from_a_rendered_config_is_the_listen_address_and_port_of_the_listener()
    {
        Gen.Select(s_address, Gen.Int[1, 65535]).Sample((address, port) =>
        {
            var model = SampleModels.Pinned() with { ListenAddress = address, ListenPort = port };
            var expected = address switch
            {
                null or "0.0.0.0" => new ListenEndpoint("127.0.0.1", port, Wildcard: true),
                "::" => new ListenEndpoint("::1", port, Wildcard: true),
                _ => new ListenEndpoint(IPAddress.Parse(address).ToString(), port, Wildcard: false),
            };

            Assert.Equal(expected, ListenEndpoint.In("haproxy.cfg", new HaproxyRenderer().Render(model)["haproxy.cfg"]));
            Assert.Equal(expected, ListenEndpoint.In("nginx.conf", new NginxRenderer().Render(model)["nginx.conf"]));
        });
    }

    [Fact]
    public void An_envoy_bootstrap_names_no_endpoint_for_the_sidecar_to_probe() =>
        Assert.Null(ListenEndpoint.In("envoy.yaml", "bind :8443\nlisten 8443;\n"));
}

/// <summary>The resolver file the sidecar writes is the one the rendered nginx.conf includes.</summary>
public sealed class ResolverFileIncludedByTests
{
    [Fact]
    public void A_config_with_an_upstream_dns_name_names_the_listeners_resolver_file()
    {
        var model = SampleModels.Pinned() with { UpstreamHost = "app.payments.svc.cluster.local" };

        Assert.Equal(NginxRuntimePaths.ResolverFile(model), NginxRuntimePaths.ResolverFileIncludedBy(new NginxRenderer().Render(model)["nginx.conf"]));
    }

    [Fact]
    public void A_config_with_an_upstream_address_includes_no_resolver_file() =>
        Assert.Null(NginxRuntimePaths.ResolverFileIncludedBy(new NginxRenderer().Render(SampleModels.Pinned() with { UpstreamHost = "10.0.0.7" })["nginx.conf"]));

    [Theory]
    [InlineData("include /etc/nginx/evil-resolver.con[f];")]
    [InlineData("include /tmp/mtls-../../etc/x-resolver.con[f];")]
    [InlineData("# include /tmp/mtls-a-b-nginx-resolver.con[f];")]
    public void Only_an_include_under_tmp_mtls_without_parent_steps_is_taken_as_the_resolver_file(string line) =>
        Assert.Null(NginxRuntimePaths.ResolverFileIncludedBy($"http {{\n    {line}\n}}\n"));
}
