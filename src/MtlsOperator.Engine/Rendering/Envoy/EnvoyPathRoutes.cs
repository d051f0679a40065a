using MtlsOperator.Engine.PathRules;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>spec.paths for Envoy: one route per path prefix (longest first), each with its own RBAC policy (RBACPerRoute) on the
/// verified client certificate's SHA-256, which the connection manager puts in <c>x-forwarded-client-cert</c> (SANITIZE_SET: a
/// client's copy is replaced before any filter runs, and <c>Hash=</c> is the element's last field when no other detail is set); a
/// first route answers 400 for a refused path spelling; the last (prefix <c>/</c>) carries the policy's own pins. The RBAC filter's
/// own rules deny everything, so a route without a policy admits no one. Field names: extensions/filters/http/rbac/v3/rbac.proto,
/// config/rbac/v3/rbac.proto, config/route/v3/route_components.proto.</summary>
internal static class EnvoyPathRoutes
{
    public const string RbacFilter = "envoy.filters.http.rbac";
    public const string RbacType = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC";
    public const string RbacPerRouteType = "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute";
    private const string XfccHeader = "x-forwarded-client-cert";

    /// <summary>The routes of the one virtual host, in the order Envoy tries them.</summary>
    public static List<object> Routes(ListenerRenderModel model)
    {
        var routes = new List<object>
        {
            new YamlMap()
                .Add("match", new YamlMap().Add("safe_regex", Regex("(?i).*(" + PathPatterns.RefusedPath + ").*")))
                .Add("direct_response", new YamlMap()
                    .Add("status", 400)
                    .Add("body", new YamlMap().Add("inline_string", "The request path is spelled in a way this listener refuses.\n")))
                .Add("typed_per_filter_config", PerRoute(Allow(new YamlMap().Add("any", true)))),
        };
        foreach (var (_, scope) in PathScopes.Numbered(model.Paths).OrderByDescending(s => s.Scope.Prefix.Length).ThenBy(s => s.Number))
        {
            routes.Add(new YamlMap()
                .Add("match", new YamlMap().Add("safe_regex", Regex("(?i)" + PathPatterns.UnderPath(scope.Prefix))))
                .Add("route", new YamlMap().Add("cluster", EnvoyNames.UpstreamCluster))
                .Add("typed_per_filter_config", PerRoute(Pinned(scope.Pins))));
        }

        routes.Add(new YamlMap()
            .Add("match", new YamlMap().Add("prefix", "/"))
            .Add("route", new YamlMap().Add("cluster", EnvoyNames.UpstreamCluster))
            .Add("typed_per_filter_config", PerRoute(Pinned(model.Pins))));
        return routes;
    }

    /// <summary>The RBAC filter, placed before the router: its own rules (ALLOW with no policy) deny every request a route does not admit.</summary>
    public static YamlMap Filter() => new YamlMap()
        .Add("name", RbacFilter)
        .Add("typed_config", new YamlMap().Add("@type", RbacType).Add("rules", new YamlMap().Add("action", new YamlEnum("ALLOW"))));

    /// <summary>Rules admitting a certificate whose SHA-256 is one of <paramref name="pins"/>; with none, rules that admit no one.</summary>
    private static YamlMap Pinned(System.Collections.Immutable.ImmutableArray<CertificatePin> pins)
    {
        var hashes = (pins.IsDefault ? [] : pins).Where(p => p.Algorithm == PinAlgorithm.Sha256).Select(p => p.Value).Distinct().Order(StringComparer.Ordinal).ToList();
        if (hashes.Count == 0)
        {
            return new YamlMap().Add("action", new YamlEnum("ALLOW"));
        }

        var principal = new YamlMap().Add("header", new YamlMap()
            .Add("name", XfccHeader)
            .Add("string_match", new YamlMap().Add("safe_regex", Regex("(.*;)?Hash=(" + string.Join('|', hashes) + ")"))));
        return Allow(principal);
    }

    private static YamlMap Allow(YamlMap principal) => new YamlMap()
        .Add("action", new YamlEnum("ALLOW"))
        .Add("policies", new YamlMap().Add("admitted", new YamlMap()
            .Add("permissions", new List<object> { new YamlMap().Add("any", true) })
            .Add("principals", new List<object> { principal })));

    private static YamlMap PerRoute(YamlMap rules) =>
        new YamlMap().Add(RbacFilter, new YamlMap().Add("@type", RbacPerRouteType).Add("rbac", new YamlMap().Add("rules", rules)));

    private static YamlMap Regex(string pattern) => new YamlMap().Add("regex", pattern);
}
