using System.Net;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>The static bootstrap (<c>envoy.yaml</c>): one TLS listener with an SNI filter chain per server certificate,
/// proxying HTTP to one upstream cluster. Field names follow api/envoy/config/bootstrap/v3/bootstrap.proto,
/// config/listener/v3/listener.proto and listener_components.proto, config/cluster/v3/cluster.proto,
/// config/endpoint/v3/endpoint.proto, config/route/v3/route.proto and route_components.proto,
/// extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto and
/// extensions/transport_sockets/tls/v3/tls.proto.</summary>
internal static class EnvoyBootstrap
{
    public static string Render(ListenerRenderModel model)
    {
        var listener = new YamlMap()
            .Add("name", "mtls")
            .Add("address", SocketAddress(model.ListenAddress ?? "0.0.0.0", model.ListenPort))
            .Add("listener_filters", new List<object>
            {
                new YamlMap()
                    .Add("name", EnvoyNames.TlsInspector)
                    .Add("typed_config", new YamlMap().Add("@type", EnvoyNames.TlsInspectorType)),
            });

        // Every chain carries the same client validation; SNI only picks the server identity, so no choice of chain
        // can weaken who gets in. Envoy matches "*.example.com" against any depth of subdomain (it retries the SNI with
        // leading labels replaced by "*"), unlike certificate wildcards; a name deeper than the certificate covers then
        // gets that certificate and fails hostname checks on the client, which is the client's loss, not a trust leak.
        var routes = SniRoute.Of(model);
        var sniChains = routes
            .Where(r => r.Hostnames.Length > 0)
            .Select(r => (object)FilterChain(model, r.Files, new YamlMap()
                .Add("name", "sni-" + r.Files.Name)
                .Add("filter_chain_match", new YamlMap().Add("server_names", r.Hostnames.Cast<object>().ToList()))))
            .ToList();
        if (sniChains.Count > 0)
        {
            listener.Add("filter_chains", sniChains);
        }

        listener.Add("default_filter_chain", FilterChain(model, routes.Single(r => r.IsDefault).Files, new YamlMap().Add("name", "default")));

        return new YamlMap()
            .Add("node", new YamlMap().Add("id", model.Namespace + "/" + model.Name).Add("cluster", "mtls-operator"))
            .Add("static_resources", new YamlMap()
                .Add("listeners", new List<object> { listener })
                .Add("clusters", new List<object> { UpstreamCluster(model) }))
            .ToYaml();
    }

    /// <summary>Completes <paramref name="chain"/> (its name and match) with the HTTP proxy and the TLS context.</summary>
    private static YamlMap FilterChain(ListenerRenderModel model, ServerCertificateFiles certificate, YamlMap chain) => chain
        .Add("filters", new List<object>
        {
            new YamlMap().Add("name", EnvoyNames.HttpConnectionManager).Add("typed_config", HttpConnectionManager(model)),
        })
        .Add("transport_socket", new YamlMap()
            .Add("name", EnvoyNames.TlsTransportSocket)
            .Add("typed_config", DownstreamTlsContext(model, certificate)));

    private static YamlMap DownstreamTlsContext(ListenerRenderModel model, ServerCertificateFiles certificate) => new YamlMap()
        .Add("@type", EnvoyNames.DownstreamTlsContextType)
        .Add("common_tls_context", new YamlMap()
            .Add("tls_params", new YamlMap().Add("tls_minimum_protocol_version", new YamlEnum("TLSv1_2")))
            .Add("tls_certificate_sds_secret_configs", new List<object>
            {
                SdsSecretConfig(model, EnvoyNames.TlsSecret(certificate), EnvoyNames.TlsSecretFile(certificate)),
            })
            .Add("validation_context_sds_secret_config",
                SdsSecretConfig(model, EnvoyNames.ValidationSecret, EnvoyNames.ValidationSecretFile)))
        .Add("require_client_certificate", true);

    private static YamlMap SdsSecretConfig(ListenerRenderModel model, string secretName, string fileKey) => new YamlMap()
        .Add("name", secretName)
        .Add("sds_config", new YamlMap()
            .Add("path_config_source", new YamlMap()
                .Add("path", model.PathOf(fileKey))
                .Add("watched_directory", new YamlMap().Add("path", EnvoyNames.WatchedDirectory(model))))
            .Add("resource_api_version", new YamlEnum("V3")));

    private static YamlMap HttpConnectionManager(ListenerRenderModel model)
    {
        var routeConfig = new YamlMap()
            .Add("name", "upstream")
            .Add("virtual_hosts", new List<object>
            {
                new YamlMap()
                    .Add("name", "upstream")
                    .Add("domains", new List<object> { "*" })
                    .Add("routes", model.Paths.IsDefaultOrEmpty
                        ? new List<object>
                        {
                            new YamlMap()
                                .Add("match", new YamlMap().Add("prefix", "/"))
                                .Add("route", new YamlMap().Add("cluster", EnvoyNames.UpstreamCluster)),
                        }
                        : EnvoyPathRoutes.Routes(model)),
            });
        // Envoy removes request_headers_to_remove before it adds (router/header_parser.cc): a client-sent copy of the
        // identity header, or of any header apps commonly trust from a TLS terminator, never reaches the upstream, even
        // when the verified subject is empty and the add is skipped. OVERWRITE replaces every value.
        routeConfig.Add("request_headers_to_remove", IdentityHeaders.StrippedFromClients(model).Select(h => (object)h.ToLowerInvariant()).ToList());
        var added = new List<(string Name, string Value)>();
        if (model.ForwardIdentityHeader is { } header)
        {
            added.Add((header, "%DOWNSTREAM_PEER_SUBJECT%"));
        }

        if (model.ForwardClientCertificate)
        {
            added.AddRange(
            [
                (ForwardedCertificate.Subject, "%DOWNSTREAM_PEER_SUBJECT%"),
                (ForwardedCertificate.Issuer, "%DOWNSTREAM_PEER_ISSUER%"),
                (ForwardedCertificate.Serial, "%DOWNSTREAM_PEER_SERIAL%"),
                (ForwardedCertificate.Sha1, "%DOWNSTREAM_PEER_FINGERPRINT_1%"),
                (ForwardedCertificate.Sha256, "%DOWNSTREAM_PEER_FINGERPRINT_256%"),
                (ForwardedCertificate.Xfcc, "Hash=%DOWNSTREAM_PEER_FINGERPRINT_256%;Subject=\"%DOWNSTREAM_PEER_SUBJECT%\""),
            ]);
        }

        if (added.Count > 0)
        {
            routeConfig.Add("request_headers_to_add", added.Select(h => (object)new YamlMap()
                .Add("header", new YamlMap().Add("key", h.Name.ToLowerInvariant()).Add("value", h.Value))
                .Add("append_action", new YamlEnum("OVERWRITE_IF_EXISTS_OR_ADD"))).ToList());
        }

        var paths = !model.Paths.IsDefaultOrEmpty;
        var manager = new YamlMap()
            .Add("@type", EnvoyNames.HttpConnectionManagerType)
            .Add("stat_prefix", "mtls")
            .Add("codec_type", new YamlEnum("AUTO"))
            // SANITIZE drops any x-forwarded-client-cert the client sends; only the configured header carries identity. With path
            // rules SANITIZE_SET replaces it with the verified certificate's Hash for the RBAC filter (removed again before the upstream).
            .Add("forward_client_cert_details", new YamlEnum(paths ? "SANITIZE_SET" : "SANITIZE"))
            // Apps behind CGI/WSGI-style gateways read "X_Client_DN" as "X-Client-DN": a header with '_' could smuggle
            // an identity past the removals below, so Envoy drops every such header before any filter sees it.
            .Add("common_http_protocol_options", new YamlMap().Add("headers_with_underscores_action", new YamlEnum("DROP_HEADER")))
            .Add("route_config", routeConfig);
        if (paths)
        {
            // Path rules decide on the raw path: Envoy must not rewrite it first (EnvoyPathRoutes refuses the spellings that differ).
            manager.Add("normalize_path", false)
                .Add("merge_slashes", false)
                .Add("path_with_escaped_slashes_action", new YamlEnum("KEEP_UNCHANGED"));
        }

        var router = new YamlMap().Add("name", EnvoyNames.Router).Add("typed_config", new YamlMap().Add("@type", EnvoyNames.RouterType));
        return manager.Add("http_filters", paths ? new List<object> { EnvoyPathRoutes.Filter(), router } : new List<object> { router });
    }

    private static YamlMap UpstreamCluster(ListenerRenderModel model)
    {
        var cluster = UpstreamEndpoint(model);
        if (model.UpstreamTls is { } tls)
        {
            cluster.Add("transport_socket", new YamlMap()
                .Add("name", EnvoyNames.TlsTransportSocket)
                .Add("typed_config", UpstreamTlsContext(model, tls)));
        }

        return cluster;
    }

    /// <summary>TLS to the upstream. Without a validation context Envoy accepts any upstream certificate, so one is always set unless
    /// the spec disabled verification in words (insecureSkipVerify); the name is a DNS SAN matcher (certificate wildcards honoured).</summary>
    private static YamlMap UpstreamTlsContext(ListenerRenderModel model, UpstreamTlsModel tls)
    {
        var common = new YamlMap().Add("tls_params", new YamlMap().Add("tls_minimum_protocol_version", new YamlEnum("TLSv1_2")));
        if (tls.ClientCertificateFile is not null)
        {
            common.Add("tls_certificate_sds_secret_configs", new List<object>
            {
                SdsSecretConfig(model, EnvoyNames.UpstreamTlsSecret, EnvoyNames.UpstreamTlsSecretFile),
            });
        }

        if (tls.Verifies)
        {
            common.Add("validation_context_sds_secret_config",
                SdsSecretConfig(model, EnvoyNames.UpstreamValidationSecret, EnvoyNames.UpstreamValidationSecretFile));
        }

        return new YamlMap()
            .Add("@type", EnvoyNames.UpstreamTlsContextType)
            .Add("common_tls_context", common)
            .Add("sni", tls.ServerName);
    }

    private static YamlMap UpstreamEndpoint(ListenerRenderModel model) => new YamlMap()
        .Add("name", EnvoyNames.UpstreamCluster)
        // STATIC takes IP literals only; a host name (e.g. "localhost") needs DNS resolution.
        .Add("type", new YamlEnum(IPAddress.TryParse(model.UpstreamHost, out _) ? "STATIC" : "STRICT_DNS"))
        .Add("connect_timeout", "5s")
        .Add("load_assignment", new YamlMap()
            .Add("cluster_name", EnvoyNames.UpstreamCluster)
            .Add("endpoints", new List<object>
            {
                new YamlMap().Add("lb_endpoints", new List<object>
                {
                    new YamlMap().Add("endpoint", new YamlMap().Add("address", SocketAddress(model.UpstreamHost, model.UpstreamPort))),
                }),
            }));

    private static YamlMap SocketAddress(string address, int port) =>
        new YamlMap().Add("socket_address", new YamlMap().Add("address", address).Add("port_value", port));
}
