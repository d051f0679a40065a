using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>Envoy cannot run here, so every rendered key is checked against the proto field lists in <see cref="EnvoyV3Schema"/>.</summary>
public sealed class EnvoyFieldNameTests
{
    public static TheoryData<string> Scenarios => new(EnvoyScenarios.All.Keys);

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Every_rendered_key_is_a_v3_field_of_its_message(string scenario)
    {
        foreach (var (file, yaml) in Files(EnvoyScenarios.All[scenario]))
        {
            var violations = EnvoyV3Schema.Violations(Parse(yaml), file == "envoy.yaml" ? "Bootstrap" : "DiscoveryResponse");

            Assert.True(violations.Count == 0, file + ":\n" + string.Join("\n", violations));
        }
    }

    [Fact]
    public void The_schema_walk_catches_a_misspelt_field()
    {
        var yaml = Files(Model())["sds-validation.yaml"].Replace("verify_certificate_hash", "verify_certificate_sha256", StringComparison.Ordinal);

        Assert.Contains(EnvoyV3Schema.Violations(Parse(yaml), "DiscoveryResponse"), v => v.Contains("verify_certificate_sha256", StringComparison.Ordinal));
    }

    [Fact]
    public void The_schema_walk_catches_an_unknown_type_url()
    {
        var yaml = Files(Model())["envoy.yaml"].Replace("tls.v3.DownstreamTlsContext", "tls.v3.DownstreamTlsContextV4", StringComparison.Ordinal);

        Assert.Contains(EnvoyV3Schema.Violations(Parse(yaml), "Bootstrap"), v => v.Contains("@type", StringComparison.Ordinal));
    }
}

/// <summary>The matrix the proxy suites share, as Envoy models; the golden files are rendered from some of them.</summary>
internal static class EnvoyScenarios
{
    private const string Sha256 = "3b0c5b0f1e6b8e1d9f0e4c2a7d5b8a1c6e9f2d4b7a0c3e5f8b1d4a7c0e3f6b9d";
    private const string Spki = "NvqYIYSbgK2vCJpQhObf77vv+bQWtc5ek5RIOwPiC9A=";

    private static readonly ServerCertificateFiles s_tenants = new("tenants", ["*.tenants.example.com"], "sni-tenants.crt", "sni-tenants.key");

    public static IReadOnlyDictionary<string, ListenerRenderModel> All { get; } = new Dictionary<string, ListenerRenderModel>
    {
        ["pinned-sha256"] = Model(new CertificatePin(PinAlgorithm.Sha256, Sha256)),
        ["pinned-spki"] = Model(new CertificatePin(PinAlgorithm.SpkiSha256, Spki)),
        ["san-rules"] = WithRules(Dns("agent.example.com"), Uri("spiffe://corp/ns/shop/sa/agent")),
        ["crl-full-chain"] = Model() with { CrlFile = "ca.crl" },
        ["crl-leaf-only"] = Model() with { CrlFile = "ca.crl", CasWithoutCrl = ["CN=Corp Root,O=Corp"], CrlsRevokeOnlyLeaves = true },
        ["sni"] = Model() with { ServerCertificates = [Web, s_tenants] },
        ["forward-header"] = Model() with { ForwardIdentityHeader = "x-client-subject" },
        ["pins-sni-crl-header"] = Model(new CertificatePin(PinAlgorithm.Sha256, Sha256), new CertificatePin(PinAlgorithm.SpkiSha256, Spki)) with
        {
            ServerCertificates = [Web, s_tenants], CrlFile = "ca.crl", ForwardIdentityHeader = "x-client-subject", ForwardClientCertificate = true,
        },
        ["rules-leaf-crl-dns-upstream"] = WithRules(Dns("agent.example.com"), Uri("spiffe://corp/ns/shop/sa/agent")) with
        {
            UpstreamHost = "localhost", CrlFile = "ca.crl", CasWithoutCrl = ["CN=Corp Root,O=Corp"], CrlsRevokeOnlyLeaves = true,
        },
        ["upstream-tls-client-certificate"] = Model() with
        {
            UpstreamHost = "app.internal", UpstreamTls = new UpstreamTlsModel("app.internal", "upstream-ca.crt", "upstream-client.crt", "upstream-client.key"),
        },
        ["upstream-tls-insecure"] = Model() with { UpstreamTls = new UpstreamTlsModel("app.internal", null, null, null) },
        ["paths"] = Model(new CertificatePin(PinAlgorithm.Sha256, Sha256)) with
        {
            Paths =
            [
                new PathScope("/admin", [new CertificatePin(PinAlgorithm.Sha256, new string('b', 64)), new CertificatePin(PinAlgorithm.Sha256, new string('c', 64))], []),
                new PathScope("/api/v1.2", [new CertificatePin(PinAlgorithm.Sha256, Sha256)], []),
            ],
        },
        ["paths-default-denied"] = Model() with { Pins = [], Paths = [new PathScope("/admin", [new CertificatePin(PinAlgorithm.Sha256, Sha256)], [])] },
    };
}
