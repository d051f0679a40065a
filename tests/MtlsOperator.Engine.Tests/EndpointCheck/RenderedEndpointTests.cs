using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Engine.Tests.EndpointCheck;

/// <summary>Which rendered certificate a proxy serves for an SNI name: exact first, then a covering wildcard, else the default.</summary>
public sealed class RenderedEndpointTests
{
    private static readonly RenderedEndpoint s_endpoint = new(
        "ns/listener",
        [
            new RenderedServerCertificate("default", ["api.test"], null, null),
            new RenderedServerCertificate("wildcard", ["*.tenants.test"], null, null),
            new RenderedServerCertificate("exact", ["a.tenants.test"], null, null),
        ],
        [],
        null);

    [Theory]
    [InlineData("a.tenants.test", "exact")]
    [InlineData("A.Tenants.Test", "exact")]
    [InlineData("b.tenants.test", "wildcard")]
    [InlineData("x.b.tenants.test", "default")]
    [InlineData("api.test", "default")]
    [InlineData("unknown.test", "default")]
    [InlineData(null, "default")]
    public void Server_name_selects_the_certificate_a_proxy_would_serve(string? serverName, string expected) =>
        Assert.Equal(expected, s_endpoint.For(serverName)!.Name);
}
