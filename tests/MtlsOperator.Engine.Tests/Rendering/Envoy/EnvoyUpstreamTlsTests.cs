using MtlsOperator.Engine.Rendering;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>TLS to the upstream in Envoy: an UpstreamTlsContext on the cluster with SNI, the upstream's own CAs and its name as a DNS
/// SAN matcher (both in an SDS file that rotates), and the client certificate; no validation context only when verification is off.</summary>
public sealed class EnvoyUpstreamTlsTests
{
    private static readonly UpstreamTlsModel s_verified = new("app.internal", "upstream-ca.crt", "upstream-client.crt", "upstream-client.key");

    private static YamlDotNet.RepresentationModel.YamlMappingNode UpstreamContext(ListenerRenderModel model) =>
        Map(Item(Map(Bootstrap(model), "static_resources"), "clusters", 0), "transport_socket", "typed_config");

    [Fact]
    public void The_cluster_speaks_tls_with_the_server_name_as_sni()
    {
        var context = UpstreamContext(Model() with { UpstreamTls = s_verified });

        Assert.Equal("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", Scalar(context, "@type"));
        Assert.Equal("app.internal", Scalar(context, "sni"));
        Assert.Equal("TLSv1_2", Scalar(Map(context, "common_tls_context", "tls_params"), "tls_minimum_protocol_version"));
    }

    [Fact]
    public void The_upstreams_certificate_is_checked_against_its_own_cas_and_name()
    {
        var files = Files(Model() with { UpstreamTls = s_verified });
        var sds = Map(Map(UpstreamContext(Model() with { UpstreamTls = s_verified }), "common_tls_context"), "validation_context_sds_secret_config");

        Assert.Equal("/etc/mtls/sds-upstream-validation.yaml", Scalar(Map(sds, "sds_config", "path_config_source"), "path"));
        var validation = Map(Item(Parse(files["sds-upstream-validation.yaml"]), "resources", 0), "validation_context");
        Assert.Equal("/etc/mtls/upstream-ca.crt", Scalar(Map(validation, "trusted_ca"), "filename"));
        var san = Item(validation, "match_typed_subject_alt_names", 0);
        Assert.Equal(("DNS", "app.internal"), (Scalar(san, "san_type"), Scalar(Map(san, "matcher"), "exact")));
    }

    [Fact]
    public void The_client_certificate_is_presented_upstream()
    {
        var files = Files(Model() with { UpstreamTls = s_verified });

        var certificate = Map(Item(Parse(files["sds-upstream-tls.yaml"]), "resources", 0), "tls_certificate");
        Assert.Equal("/etc/mtls/upstream-client.crt", Scalar(Map(certificate, "certificate_chain"), "filename"));
        Assert.Equal("/etc/mtls/upstream-client.key", Scalar(Map(certificate, "private_key"), "filename"));
    }

    [Fact]
    public void Only_a_model_without_trust_renders_without_a_validation_context()
    {
        var insecure = Model() with { UpstreamTls = new UpstreamTlsModel("app.internal", null, null, null) };

        Assert.False(Has(Map(UpstreamContext(insecure), "common_tls_context"), "validation_context_sds_secret_config"));
        Assert.DoesNotContain("sds-upstream-validation.yaml", Files(insecure).Keys);
        Assert.True(Has(Map(UpstreamContext(Model() with { UpstreamTls = s_verified }), "common_tls_context"), "validation_context_sds_secret_config"));
    }

    [Fact]
    public void Without_upstream_tls_the_cluster_speaks_plain_http()
    {
        Assert.False(Has(Item(Map(Bootstrap(Model()), "static_resources"), "clusters", 0), "transport_socket"));
    }
}
