using MtlsOperator.Engine.Rendering;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>The bootstrap around the validation: SNI chains, rotation through SDS files, the identity header, the upstream.</summary>
public sealed class EnvoyListenerTests
{
    private static readonly ServerCertificateFiles s_tenants = new("tenants", ["*.tenants.example.com", "tenants.example.com"], "sni-tenants.crt", "sni-tenants.key");
    private static readonly ServerCertificateFiles s_api = new("api", ["API.example.com"], "sni-api.crt", "sni-api.key");

    private static ListenerRenderModel ThreeCertificates => Model() with { ServerCertificates = [Web, s_tenants, s_api] };

    [Fact]
    public void Listener_listens_on_every_ipv4_address_of_the_listen_port_with_the_tls_inspector()
    {
        var listener = Listener(Bootstrap(Model() with { ListenPort = 9443 }));

        Assert.Equal("0.0.0.0", Scalar(Map(listener, "address", "socket_address"), "address"));
        Assert.Equal("9443", Scalar(Map(listener, "address", "socket_address"), "port_value"));
        var inspector = Item(listener, "listener_filters", 0);
        Assert.Equal("envoy.filters.listener.tls_inspector", Scalar(inspector, "name"));
        Assert.Equal("type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", Scalar(Map(inspector, "typed_config"), "@type"));
    }

    [Fact]
    public void Listener_binds_the_listen_address_when_one_is_given()
    {
        var listener = Listener(Bootstrap(Model() with { ListenAddress = "127.0.0.1" }));

        Assert.Equal("127.0.0.1", Scalar(Map(listener, "address", "socket_address"), "address"));
    }

    [Fact]
    public void Each_server_certificate_gets_a_chain_matching_its_names_exact_and_wildcard()
    {
        var chains = Chains(Bootstrap(ThreeCertificates));

        Assert.Equal(["app.example.com"], Scalars(Map(chains[0], "filter_chain_match"), "server_names"));
        Assert.Equal(["*.tenants.example.com", "tenants.example.com"], Scalars(Map(chains[1], "filter_chain_match"), "server_names"));
        Assert.Equal(["api.example.com"], Scalars(Map(chains[2], "filter_chain_match"), "server_names"));
        Assert.Equal(["tls-web", "tls-tenants", "tls-api"], chains.Take(3).Select(CertificateSecret));
    }

    [Fact]
    public void A_name_a_certificate_lists_twice_is_matched_once()
    {
        var model = Model() with { ServerCertificates = [new("web", ["app.example.com", "APP.example.com"], "tls.crt", "tls.key")] };

        Assert.Empty(Renderer.FindUnenforceable(model));
        Assert.Equal(["app.example.com"], Scalars(Map(Chains(Bootstrap(model))[0], "filter_chain_match"), "server_names"));
    }

    [Fact]
    public void A_name_claimed_by_an_earlier_certificate_stays_with_it_and_a_certificate_left_without_names_is_not_served()
    {
        var model = Model() with { ServerCertificates = [Web, new("other", ["APP.example.com"], "sni-other.crt", "sni-other.key")] };

        var chains = Chains(Bootstrap(model));

        Assert.Equal(2, chains.Count);
        Assert.Equal(["tls-web", "tls-web"], chains.Select(CertificateSecret));
        Assert.DoesNotContain("sds-tls-other.yaml", Files(model).Keys);
    }

    [Fact]
    public void Default_chain_serves_the_first_certificate_to_clients_without_a_known_sni()
    {
        var listener = Listener(Bootstrap(ThreeCertificates));

        var fallback = Map(listener, "default_filter_chain");
        Assert.False(Has(fallback, "filter_chain_match"));
        Assert.Equal("tls-web", CertificateSecret(fallback));
    }

    [Fact]
    public void Each_certificate_is_an_sds_file_naming_its_files_under_the_mount_path()
    {
        var files = Files(ThreeCertificates);

        Assert.Equal(["envoy.yaml", "sds-tls-api.yaml", "sds-tls-tenants.yaml", "sds-tls-web.yaml", "sds-validation.yaml"], files.Keys);
        var secret = Item(Parse(files["sds-tls-tenants.yaml"]), "resources", 0);
        Assert.Equal("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", Scalar(secret, "@type"));
        Assert.Equal("tls-tenants", Scalar(secret, "name"));
        var certificate = Map(secret, "tls_certificate");
        Assert.Equal(Mount + "/sni-tenants.crt", Scalar(Map(certificate, "certificate_chain"), "filename"));
        Assert.Equal(Mount + "/sni-tenants.key", Scalar(Map(certificate, "private_key"), "filename"));
    }

    [Fact]
    public void Sds_sources_and_secrets_watch_the_mount_directory_kubelet_swaps()
    {
        var model = ThreeCertificates with { MountPath = "/var/run/mtls/" };
        var files = Files(model);

        foreach (var chain in Chains(Parse(files["envoy.yaml"])))
        {
            var source = Map(Item(Map(TlsContext(chain), "common_tls_context"), "tls_certificate_sds_secret_configs", 0), "sds_config");
            Assert.Equal("V3", Scalar(source, "resource_api_version"));
            Assert.Equal("/var/run/mtls", Scalar(Map(source, "path_config_source", "watched_directory"), "path"));
        }

        Assert.Equal("/var/run/mtls", Scalar(Map(Validation(model), "watched_directory"), "path"));
        var certificate = Map(Item(Parse(files["sds-tls-web.yaml"]), "resources", 0), "tls_certificate");
        Assert.Equal("/var/run/mtls", Scalar(Map(certificate, "watched_directory"), "path"));
        Assert.Equal("/var/run/mtls/tls.crt", Scalar(Map(certificate, "certificate_chain"), "filename"));
    }

    [Fact]
    public void Forward_header_is_overwritten_with_the_verified_subject_and_any_client_copy_removed()
    {
        var route = RouteConfig(Chains(Bootstrap(Model() with { ForwardIdentityHeader = "X-Client-Subject" }))[0]);

        var add = Item(route, "request_headers_to_add", 0);
        Assert.Equal("x-client-subject", Scalar(Map(add, "header"), "key"));
        Assert.Equal("%DOWNSTREAM_PEER_SUBJECT%", Scalar(Map(add, "header"), "value"));
        Assert.Equal("OVERWRITE_IF_EXISTS_OR_ADD", Scalar(add, "append_action"));
        Assert.Contains("x-client-subject", Scalars(route, "request_headers_to_remove"));
    }

    [Fact]
    public void Identity_headers_clients_send_are_removed_even_without_forwarding()
    {
        var chain = Chains(Bootstrap(Model()))[0];
        var route = RouteConfig(chain);

        Assert.False(Has(route, "request_headers_to_add"));
        Assert.Equal(IdentityHeaders.WellKnown.Select(h => h.ToLowerInvariant()).Order(StringComparer.Ordinal), Scalars(route, "request_headers_to_remove"));
        var manager = Map((YamlDotNet.RepresentationModel.YamlMappingNode)Seq(chain, "filters").Children[0], "typed_config");
        Assert.Equal("SANITIZE", Scalar(manager, "forward_client_cert_details"));
    }

    [Fact]
    public void Headers_spelt_with_underscores_are_dropped_so_they_cannot_pose_as_identity_headers()
    {
        var chain = Chains(Bootstrap(Model() with { ForwardIdentityHeader = "x-client-subject" }))[0];

        var manager = Map((YamlDotNet.RepresentationModel.YamlMappingNode)Seq(chain, "filters").Children[0], "typed_config");
        Assert.Equal("DROP_HEADER", Scalar(Map(manager, "common_http_protocol_options"), "headers_with_underscores_action"));
    }

    [Theory]
    [InlineData("127.0.0.1", "STATIC")]
    [InlineData("::1", "STATIC")]
    [InlineData("localhost", "STRICT_DNS")]
    public void Upstream_cluster_resolves_names_and_takes_addresses_as_they_are(string host, string type)
    {
        var cluster = Item(Map(Bootstrap(Model() with { UpstreamHost = host, UpstreamPort = 9090 }), "static_resources"), "clusters", 0);

        Assert.Equal(type, Scalar(cluster, "type"));
        var address = Map(Item(Item(Map(cluster, "load_assignment"), "endpoints", 0), "lb_endpoints", 0), "endpoint", "address", "socket_address");
        Assert.Equal(host, Scalar(address, "address"));
        Assert.Equal("9090", Scalar(address, "port_value"));
    }

    [Fact]
    public void Every_route_goes_to_the_upstream_cluster()
    {
        var route = Item(Item(RouteConfig(Chains(Bootstrap(Model()))[0]), "virtual_hosts", 0), "routes", 0);

        Assert.Equal("/", Scalar(Map(route, "match"), "prefix"));
        Assert.Equal("upstream", Scalar(Map(route, "route"), "cluster"));
    }

    [Fact]
    public void Same_model_renders_the_same_bytes()
    {
        var first = Files(ThreeCertificates with { ForwardIdentityHeader = "x-id" });
        var second = Files(ThreeCertificates with { ForwardIdentityHeader = "x-id" });

        Assert.Equal(first, second);
    }

    private static string CertificateSecret(YamlDotNet.RepresentationModel.YamlMappingNode chain) =>
        Scalar(Item(Map(TlsContext(chain), "common_tls_context"), "tls_certificate_sds_secret_configs", 0), "name");
}
