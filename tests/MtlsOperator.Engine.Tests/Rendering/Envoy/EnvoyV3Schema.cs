using YamlDotNet.RepresentationModel;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>How a field's value is shaped in YAML.</summary>
internal enum FieldKind
{
    Scalar,
    ScalarList,
    Enum,
    Message,
    MessageList,
    Any,
    AnyList,

    /// <summary>A protobuf map from string keys to messages of <see cref="FieldSpec.Type"/>.</summary>
    MessageMap,

    /// <summary>A protobuf map from string keys to Any.</summary>
    AnyMap,
}

/// <summary>One allowed field: its shape, the message type it holds, or the enum values it may take.</summary>
internal sealed record FieldSpec(FieldKind Kind, string? Type = null, string[]? Values = null);

/// <summary>The Envoy v3 fields the renderer may emit, checked by hand against the protos (envoyproxy/envoy, api/):
/// every key in a rendered file must be listed here for the message it sits in, every <c>@type</c> must name a listed
/// message, every enum value must be one the proto defines. A typo or a field from another message fails the walk.</summary>
internal static class EnvoyV3Schema
{
    private static FieldSpec S => new(FieldKind.Scalar);
    private static FieldSpec Msg(string type) => new(FieldKind.Message, type);
    private static FieldSpec List(string type) => new(FieldKind.MessageList, type);
    private static FieldSpec Enum(params string[] values) => new(FieldKind.Enum, Values: values);

    private const string Tls = "envoy.extensions.transport_sockets.tls.v3.";

    private static readonly Dictionary<string, Dictionary<string, FieldSpec>> s_messages = new()
    {
        // api/envoy/config/bootstrap/v3/bootstrap.proto
        ["Bootstrap"] = new() { ["node"] = Msg("Node"), ["static_resources"] = Msg("StaticResources") },
        ["StaticResources"] = new() { ["listeners"] = List("Listener"), ["clusters"] = List("Cluster"), ["secrets"] = List(Tls + "Secret") },
        // api/envoy/config/core/v3/base.proto
        ["Node"] = new() { ["id"] = S, ["cluster"] = S },
        ["DataSource"] = new() { ["filename"] = S, ["inline_string"] = S, ["inline_bytes"] = S },
        ["WatchedDirectory"] = new() { ["path"] = S },
        ["TransportSocket"] = new() { ["name"] = S, ["typed_config"] = new(FieldKind.Any) },
        ["HeaderValue"] = new() { ["key"] = S, ["value"] = S },
        ["HeaderValueOption"] = new()
        {
            ["header"] = Msg("HeaderValue"),
            ["append_action"] = Enum("APPEND_IF_EXISTS_OR_ADD", "ADD_IF_ABSENT", "OVERWRITE_IF_EXISTS_OR_ADD", "OVERWRITE_IF_EXISTS"),
            ["keep_empty_value"] = S,
        },
        // api/envoy/config/core/v3/address.proto
        ["Address"] = new() { ["socket_address"] = Msg("SocketAddress") },
        ["SocketAddress"] = new() { ["address"] = S, ["port_value"] = S },
        // api/envoy/config/core/v3/config_source.proto
        ["ConfigSource"] = new() { ["path_config_source"] = Msg("PathConfigSource"), ["resource_api_version"] = Enum("V3") },
        ["PathConfigSource"] = new() { ["path"] = S, ["watched_directory"] = Msg("WatchedDirectory") },
        // api/envoy/config/listener/v3/listener.proto, listener_components.proto
        ["Listener"] = new()
        {
            ["name"] = S, ["address"] = Msg("Address"), ["listener_filters"] = List("ListenerFilter"),
            ["filter_chains"] = List("FilterChain"), ["default_filter_chain"] = Msg("FilterChain"),
        },
        ["ListenerFilter"] = new() { ["name"] = S, ["typed_config"] = new(FieldKind.Any) },
        ["FilterChain"] = new()
        {
            ["name"] = S, ["filter_chain_match"] = Msg("FilterChainMatch"), ["filters"] = List("Filter"),
            ["transport_socket"] = Msg("TransportSocket"),
        },
        ["FilterChainMatch"] = new() { ["server_names"] = new(FieldKind.ScalarList), ["transport_protocol"] = S },
        ["Filter"] = new() { ["name"] = S, ["typed_config"] = new(FieldKind.Any) },
        // api/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto
        ["envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"] = new(),
        // api/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto
        ["envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"] = new()
        {
            ["stat_prefix"] = S,
            ["codec_type"] = Enum("AUTO", "HTTP1", "HTTP2", "HTTP3"),
            ["forward_client_cert_details"] = Enum("SANITIZE", "FORWARD_ONLY", "APPEND_FORWARD", "SANITIZE_SET", "ALWAYS_FORWARD_ONLY"),
            ["normalize_path"] = S, ["merge_slashes"] = S,
            ["path_with_escaped_slashes_action"] = Enum("IMPLEMENTATION_SPECIFIC_DEFAULT", "KEEP_UNCHANGED", "REJECT_REQUEST", "UNESCAPE_AND_REDIRECT", "UNESCAPE_AND_FORWARD"),
            ["common_http_protocol_options"] = Msg("HttpProtocolOptions"),
            ["route_config"] = Msg("RouteConfiguration"),
            ["http_filters"] = List("HttpFilter"),
        },
        // api/envoy/config/core/v3/protocol.proto
        ["HttpProtocolOptions"] = new() { ["headers_with_underscores_action"] = Enum("ALLOW", "REJECT_REQUEST", "DROP_HEADER") },
        ["HttpFilter"] = new() { ["name"] = S, ["typed_config"] = new(FieldKind.Any) },
        // api/envoy/extensions/filters/http/router/v3/router.proto
        ["envoy.extensions.filters.http.router.v3.Router"] = new(),
        // api/envoy/config/route/v3/route.proto, route_components.proto
        ["RouteConfiguration"] = new()
        {
            ["name"] = S, ["virtual_hosts"] = List("VirtualHost"),
            ["request_headers_to_add"] = List("HeaderValueOption"), ["request_headers_to_remove"] = new(FieldKind.ScalarList),
        },
        ["VirtualHost"] = new() { ["name"] = S, ["domains"] = new(FieldKind.ScalarList), ["routes"] = List("Route") },
        ["Route"] = new()
        {
            ["match"] = Msg("RouteMatch"), ["route"] = Msg("RouteAction"), ["direct_response"] = Msg("DirectResponseAction"),
            ["typed_per_filter_config"] = new(FieldKind.AnyMap),
        },
        ["RouteMatch"] = new() { ["prefix"] = S, ["safe_regex"] = Msg("RegexMatcher") },
        ["DirectResponseAction"] = new() { ["status"] = S, ["body"] = Msg("DataSource") },
        // api/envoy/extensions/filters/http/rbac/v3/rbac.proto, api/envoy/config/rbac/v3/rbac.proto
        ["envoy.extensions.filters.http.rbac.v3.RBAC"] = new() { ["rules"] = Msg("envoy.config.rbac.v3.RBAC") },
        ["envoy.extensions.filters.http.rbac.v3.RBACPerRoute"] = new() { ["rbac"] = Msg("envoy.extensions.filters.http.rbac.v3.RBAC") },
        ["envoy.config.rbac.v3.RBAC"] = new() { ["action"] = Enum("ALLOW", "DENY", "LOG"), ["policies"] = new(FieldKind.MessageMap, "RbacPolicy") },
        ["RbacPolicy"] = new() { ["permissions"] = List("Permission"), ["principals"] = List("Principal") },
        ["Permission"] = new() { ["any"] = S },
        ["Principal"] = new() { ["any"] = S, ["header"] = Msg("HeaderMatcher") },
        ["HeaderMatcher"] = new() { ["name"] = S, ["string_match"] = Msg("StringMatcher") },
        ["RouteAction"] = new() { ["cluster"] = S },
        // api/envoy/config/cluster/v3/cluster.proto
        ["Cluster"] = new()
        {
            ["name"] = S, ["type"] = Enum("STATIC", "STRICT_DNS", "LOGICAL_DNS", "EDS", "ORIGINAL_DST"),
            ["connect_timeout"] = S, ["load_assignment"] = Msg("ClusterLoadAssignment"), ["transport_socket"] = Msg("TransportSocket"),
        },
        // api/envoy/config/endpoint/v3/endpoint.proto, endpoint_components.proto
        ["ClusterLoadAssignment"] = new() { ["cluster_name"] = S, ["endpoints"] = List("LocalityLbEndpoints") },
        ["LocalityLbEndpoints"] = new() { ["lb_endpoints"] = List("LbEndpoint") },
        ["LbEndpoint"] = new() { ["endpoint"] = Msg("Endpoint") },
        ["Endpoint"] = new() { ["address"] = Msg("Address") },
        // api/envoy/extensions/transport_sockets/tls/v3/tls.proto
        [Tls + "DownstreamTlsContext"] = new()
        {
            ["common_tls_context"] = Msg("CommonTlsContext"), ["require_client_certificate"] = S,
        },
        [Tls + "UpstreamTlsContext"] = new() { ["common_tls_context"] = Msg("CommonTlsContext"), ["sni"] = S },
        ["CommonTlsContext"] = new()
        {
            ["tls_params"] = Msg("TlsParameters"),
            ["tls_certificate_sds_secret_configs"] = List("SdsSecretConfig"),
            ["validation_context_sds_secret_config"] = Msg("SdsSecretConfig"),
        },
        // api/envoy/extensions/transport_sockets/tls/v3/common.proto
        ["TlsParameters"] = new()
        {
            ["tls_minimum_protocol_version"] = Enum("TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"),
            ["tls_maximum_protocol_version"] = Enum("TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"),
        },
        ["TlsCertificate"] = new()
        {
            ["certificate_chain"] = Msg("DataSource"), ["private_key"] = Msg("DataSource"), ["watched_directory"] = Msg("WatchedDirectory"),
        },
        ["CertificateValidationContext"] = new()
        {
            ["trusted_ca"] = Msg("DataSource"), ["watched_directory"] = Msg("WatchedDirectory"), ["crl"] = Msg("DataSource"),
            ["only_verify_leaf_cert_crl"] = S, ["verify_certificate_hash"] = new(FieldKind.ScalarList),
            ["verify_certificate_spki"] = new(FieldKind.ScalarList),
            ["match_typed_subject_alt_names"] = List("SubjectAltNameMatcher"),
        },
        ["SubjectAltNameMatcher"] = new()
        {
            ["san_type"] = Enum("EMAIL", "DNS", "URI", "IP_ADDRESS", "OTHER_NAME"), ["matcher"] = Msg("StringMatcher"),
        },
        // api/envoy/extensions/transport_sockets/tls/v3/secret.proto
        ["SdsSecretConfig"] = new() { ["name"] = S, ["sds_config"] = Msg("ConfigSource") },
        [Tls + "Secret"] = new()
        {
            ["name"] = S, ["tls_certificate"] = Msg("TlsCertificate"), ["validation_context"] = Msg("CertificateValidationContext"),
        },
        // api/envoy/type/matcher/v3/string.proto, regex.proto
        ["StringMatcher"] = new() { ["exact"] = S, ["prefix"] = S, ["suffix"] = S, ["contains"] = S, ["safe_regex"] = Msg("RegexMatcher"), ["ignore_case"] = S },
        ["RegexMatcher"] = new() { ["regex"] = S },
        // api/envoy/service/discovery/v3/discovery.proto: the file a path_config_source reads
        ["DiscoveryResponse"] = new() { ["version_info"] = S, ["resources"] = new(FieldKind.AnyList) },
    };

    /// <summary>Every key, <c>@type</c> and enum value in <paramref name="root"/> that the protos do not allow, as paths.</summary>
    public static IReadOnlyList<string> Violations(YamlNode root, string message)
    {
        var found = new List<string>();
        WalkMessage(root, message, "$", found);
        return found;
    }

    private static void WalkMessage(YamlNode node, string message, string path, List<string> found)
    {
        if (node is not YamlMappingNode map)
        {
            found.Add($"{path}: expected a {message} mapping");
            return;
        }

        var fields = s_messages[message];
        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var at = path + "." + key;
            if (key == "@type")
            {
                continue;
            }

            if (!fields.TryGetValue(key, out var spec))
            {
                found.Add($"{at}: {message} has no field '{key}'");
                continue;
            }

            WalkField(value, spec, at, found);
        }
    }

    private static void WalkField(YamlNode value, FieldSpec spec, string at, List<string> found)
    {
        switch (spec.Kind)
        {
            case FieldKind.Scalar when value is not YamlScalarNode:
            case FieldKind.ScalarList when value is not YamlSequenceNode seq || seq.Children.Any(c => c is not YamlScalarNode):
                found.Add($"{at}: expected {spec.Kind}");
                break;
            case FieldKind.Enum when value is not YamlScalarNode { Value: { } v } || !spec.Values!.Contains(v):
                found.Add($"{at}: not one of {string.Join("|", spec.Values!)}");
                break;
            case FieldKind.Message:
                WalkMessage(value, spec.Type!, at, found);
                break;
            case FieldKind.MessageList:
                WalkEach(value, at, found, (item, p) => WalkMessage(item, spec.Type!, p, found));
                break;
            case FieldKind.Any:
                WalkAny(value, at, found);
                break;
            case FieldKind.AnyList:
                WalkEach(value, at, found, (item, p) => WalkAny(item, p, found));
                break;
            case FieldKind.MessageMap:
                WalkEntries(value, at, found, (item, p) => WalkMessage(item, spec.Type!, p, found));
                break;
            case FieldKind.AnyMap:
                WalkEntries(value, at, found, (item, p) => WalkAny(item, p, found));
                break;
        }
    }

    private static void WalkEach(YamlNode value, string at, List<string> found, Action<YamlNode, string> walk)
    {
        if (value is not YamlSequenceNode seq)
        {
            found.Add($"{at}: expected a list");
            return;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            walk(seq.Children[i], $"{at}[{i}]");
        }
    }

    private static void WalkEntries(YamlNode value, string at, List<string> found, Action<YamlNode, string> walk)
    {
        if (value is not YamlMappingNode map)
        {
            found.Add($"{at}: expected a map");
            return;
        }

        foreach (var (key, item) in map.Children)
        {
            walk(item, $"{at}[{((YamlScalarNode)key).Value}]");
        }
    }

    private static void WalkAny(YamlNode value, string at, List<string> found)
    {
        const string prefix = "type.googleapis.com/";
        if (value is not YamlMappingNode map ||
            !map.Children.TryGetValue(new YamlScalarNode("@type"), out var typeNode) ||
            typeNode is not YamlScalarNode { Value: { } url } || !url.StartsWith(prefix, StringComparison.Ordinal) ||
            !s_messages.ContainsKey(url[prefix.Length..]))
        {
            found.Add($"{at}: Any without a known @type");
            return;
        }

        WalkMessage(value, url[prefix.Length..], at, found);
    }
}
