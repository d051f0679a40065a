using System.Net;
using System.Net.Sockets;

namespace MtlsOperator.Engine.Rendering.Nginx;

/// <summary>Writes <c>nginx.conf</c>: one server block per served certificate (the first is the default server), all with the
/// same client verification and admission, so whichever block SNI or Host selects enforces the same policy.</summary>
internal static class NginxConfig
{
    private static readonly Dictionary<string, string> s_certificateHeaders = new()
    {
        [ForwardedCertificate.Subject] = "$ssl_client_s_dn",
        [ForwardedCertificate.Issuer] = "$ssl_client_i_dn",
        [ForwardedCertificate.Serial] = "$ssl_client_serial",
        [ForwardedCertificate.Sha1] = "$ssl_client_fingerprint",
        [ForwardedCertificate.Xfcc] = "\"Cert=$ssl_client_escaped_cert;Subject=\\\"$ssl_client_s_dn\\\"\"",
    };

    private static readonly string[] s_tempModules = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"];

    public static string Write(ListenerRenderModel model)
    {
        var text = new ConfigText()
            .Line($"# Rendered by mtls-operator for MtlsListener {model.Namespace}/{model.Name}. Do not edit: the operator overwrites this file.")
            .Line($"# Run: nginx -e stderr -c {model.PathOf("nginx.conf")}   Reload gracefully: the same with -s reload.")
            .Line("daemon off;")
            .Line($"pid {NginxRuntimePaths.PidFile(model)};")
            .Line("error_log stderr notice;")
            .Line("# After a reload, old workers serve open connections with the old trust: bound how long.")
            .Line("worker_shutdown_timeout 30s;")
            .Line()
            .Line("events {")
            .Line("    worker_connections 1024;")
            .Line("}")
            .Line()
            .Line("http {")
            .Line("    server_tokens off;")
            .Line("    log_format mtls '$remote_addr [$time_local] \"$request\" $status $body_bytes_sent sni=$ssl_server_name verify=$ssl_client_verify client=\"$ssl_client_s_dn\"';")
            .Line("    access_log /dev/stdout mtls;")
            .Line("    # The Secret mount is read-only: temporary files go to /tmp.");
        foreach (var module in s_tempModules)
        {
            text.Line($"    {module}_temp_path {NginxRuntimePaths.TempDirectory(model, module)};");
        }

        text.Line("    # 64-character keys (SHA-256 fingerprints, long DN patterns) need bigger map buckets.")
            .Line("    map_hash_bucket_size 128;")
            .Line("    # Exact server names of up to 253 characters, however many, must fit nginx's server name hash.")
            .Line("    server_names_hash_bucket_size 512;")
            .Line($"    server_names_hash_max_size {ServerNameHashSize(model).ToString(System.Globalization.CultureInfo.InvariantCulture)};")
            .Line("    # Identity header names of up to 128 characters must fit the proxy_set_header hash.")
            .Line("    proxy_headers_hash_bucket_size 256;")
            .Line("    # Headers spelled with '_' are dropped, so no spelling of an identity header reaches the upstream.")
            .Line("    underscores_in_headers off;")
            .Line("    ignore_invalid_headers on;")
            .Line();
        if (UpstreamHost.Classify(model.UpstreamHost) == UpstreamHostKind.DnsName)
        {
            text.Line($"    # The upstream name is resolved at run time by the resolver the sidecar writes here from its /etc/resolv.conf;")
                .Line("    # the [f] glob lets nginx start without the file (requests then get 502).")
                .Line($"    include {NginxRuntimePaths.ResolverFileGlob(model)};")
                .Line();
        }

        WriteAdmissionMaps(text, model);
        foreach (var route in SniRoute.Of(model))
        {
            text.Line();
            WriteServer(text, model, route);
        }

        return text.Line("}").ToString();
    }

    private static void WriteAdmissionMaps(ConfigText text, ListenerRenderModel model)
    {
        WriteScopeMaps(text, model.Pins, model.Rules, "");
        if (model.Paths.IsDefaultOrEmpty)
        {
            return;
        }

        var scopes = PathScopes.Numbered(model.Paths);
        foreach (var (number, scope) in scopes)
        {
            text.Line($"    # spec.paths {scope.Prefix}:");
            WriteScopeMaps(text, scope.Pins, scope.Rules, NginxRuleMaps.ScopeName(number));
        }

        text.Line("    # spec.paths: the raw target ($request_uri, never decoded) decides. A path spelling an app could read as another path is")
            .Line("    # refused (400); then the longest prefix covering the path (any case, up to '/', '.' or '?') picks the pins and rules.")
            .Line("    map $request_uri $mtls_path_refused {")
            .Line("        default 0;")
            .Line($"        {NginxRuleMaps.Key(PathRules.PathPatterns.RefusedTarget, caseless: true, anchored: false)} 1;")
            .Line("    }")
            .Line("    map $request_uri $mtls_scope {")
            .Line("        default 0;");
        // nginx takes the first regex that matches, in order: longest prefix first.
        foreach (var (number, scope) in scopes.OrderByDescending(s => s.Scope.Prefix.Length).ThenBy(s => s.Number))
        {
            text.Line($"        {NginxRuleMaps.Key(PathRules.PathPatterns.UnderTarget(scope.Prefix), caseless: true, anchored: false)} {number};");
        }

        text.Line("    }")
            .Line("    map $mtls_scope $mtls_path_admitted {")
            .Line("        default $mtls_admitted;");
        foreach (var (number, _) in scopes)
        {
            text.Line($"        {number} $mtls_{NginxRuleMaps.ScopeName(number)}admitted;");
        }

        text.Line("    }");
    }

    /// <summary>The maps deciding one set of pins and rules into <c>$mtls_&lt;scope&gt;admitted</c>.</summary>
    private static void WriteScopeMaps(ConfigText text, System.Collections.Immutable.ImmutableArray<Policy.CertificatePin> pins,
        System.Collections.Immutable.ImmutableArray<Policy.ClientMatchRule> rules, string scope)
    {
        text.Line("    # Admitted: a pinned certificate (SHA-1 of the DER certificate) OR a rule whose issuer AND subject match.")
            .Line($"    map $ssl_client_fingerprint $mtls_{scope}pinned {{")
            .Line("        default 0;");
        foreach (var value in (pins.IsDefault ? [] : pins).Select(p => p.Value).Distinct().Order(StringComparer.Ordinal))
        {
            text.Line($"        {value} 1;");
        }

        text.Line("    }");
        var ruleVariables = NginxRuleMaps.Write(text, rules, scope);
        text.Line($"    map {NginxRuleMaps.AdmittedKey(ruleVariables.Prepend($"$mtls_{scope}pinned"))} $mtls_{scope}admitted {{")
            .Line("        default 0;")
            .Line("        \"~1\" 1;")
            .Line("    }");
    }

    private static void WriteServer(ConfigText text, ListenerRenderModel model, SniRoute route)
    {
        var listen = Listen(model.ListenAddress, model.ListenPort);
        text.Line("    server {")
            .Line($"        listen {listen} ssl{(route.IsDefault ? " default_server" : "")};")
            .Line($"        server_name {(route.Hostnames.IsEmpty ? "\"\"" : string.Join(' ', route.Hostnames.Select(ServerName)))};")
            .Line($"        ssl_certificate {model.PathOf(route.Files.CertificateFile)};")
            .Line($"        ssl_certificate_key {model.PathOf(route.Files.KeyFile)};")
            .Line("        ssl_protocols TLSv1.2 TLSv1.3;")
            .Line("        # on: a client without a certificate chaining to the CA bundle gets 400 and never reaches the upstream.")
            .Line("        ssl_verify_client on;")
            .Line($"        ssl_client_certificate {model.PathOf(model.CaFile)};")
            .Line("        ssl_verify_depth 10;");
        if (model.CrlFile is { } crl)
        {
            text.Line($"        ssl_crl {model.PathOf(crl)};");
        }

        if (!model.Paths.IsDefaultOrEmpty)
        {
            text.Line("        if ($mtls_path_refused) {")
                .Line("            return 400;")
                .Line("        }");
        }

        text.Line($"        if ({(model.Paths.IsDefaultOrEmpty ? "$mtls_admitted" : "$mtls_path_admitted")} != 1) {{")
            .Line("            return 403;")
            .Line("        }")
            .Line()
            .Line("        location / {");
        WriteProxyPass(text, model);
        text
            .Line("            proxy_http_version 1.1;")
            .Line("            proxy_set_header Host $http_host;")
            .Line("            proxy_set_header Connection \"\";")
            .Line("            # Identity headers only this proxy may set: an empty value drops any copy a client sent.");
        var set = model.ForwardClientCertificate ? s_certificateHeaders.Keys.Append(model.ForwardIdentityHeader ?? "") : [model.ForwardIdentityHeader ?? ""];
        foreach (var name in IdentityHeaders.StrippedFromClients(model).Where(n => !set.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            text.Line($"            proxy_set_header {name} \"\";");
        }

        if (model.ForwardIdentityHeader is { } header)
        {
            text.Line("            # Replaces any client copy: the verified client subject (RFC 2253, non-ASCII as \\XX escapes).")
                .Line($"            proxy_set_header {header} $ssl_client_s_dn;");
        }

        if (model.ForwardClientCertificate)
        {
            text.Line("            # forwardClientCertificate: what identifies the verified client certificate; stock nginx has no SHA-256 of it,")
                .Line($"            # so {ForwardedCertificate.Sha256} is only removed, and the XFCC header carries the certificate itself (Cert=).");
            foreach (var (name, value) in s_certificateHeaders)
            {
                text.Line($"            proxy_set_header {name} {value};");
            }
        }

        text.Line("        }")
            .Line("    }");
    }

    /// <summary>nginx refuses to start when a literal <c>proxy_pass</c> host does not resolve; a host in a variable is resolved per
    /// request by the <c>resolver</c> in <see cref="NginxRuntimePaths.ResolverFile(ListenerRenderModel)"/>, which the sidecar writes (see docs/haproxy-nginx.md).</summary>
    private static void WriteProxyPass(ConfigText text, ListenerRenderModel model)
    {
        var scheme = model.UpstreamTls is null ? "http" : "https";
        if (UpstreamHost.Classify(model.UpstreamHost) == UpstreamHostKind.DnsName)
        {
            text.Line("            # Resolved per request, so nginx starts before the name resolves (502 until it does).")
                .Line($"            set $mtls_upstream_host {model.UpstreamHost};")
                .Line($"            proxy_pass {scheme}://$mtls_upstream_host:{model.UpstreamPort};");
        }
        else
        {
            text.Line($"            proxy_pass {scheme}://{Host(model.UpstreamHost)}:{model.UpstreamPort};");
        }

        WriteUpstreamTls(text, model);
    }

    /// <summary>nginx does not verify an upstream's certificate unless told to (<c>proxy_ssl_verify off</c> is its default), and
    /// sends no SNI by default: both are set explicitly, and the name checked is <c>proxy_ssl_name</c>.</summary>
    private static void WriteUpstreamTls(ConfigText text, ListenerRenderModel model)
    {
        if (model.UpstreamTls is not { } tls)
        {
            return;
        }

        text.Line("            proxy_ssl_protocols TLSv1.2 TLSv1.3;")
            .Line($"            proxy_ssl_name {tls.ServerName};")
            .Line("            proxy_ssl_server_name on;");
        if (tls.CaFile is { } ca)
        {
            text.Line($"            # The upstream's certificate must chain to {ca} and carry {tls.ServerName}; otherwise 502, nothing forwarded.")
                .Line("            proxy_ssl_verify on;")
                .Line($"            proxy_ssl_trusted_certificate {model.PathOf(ca)};")
                .Line("            proxy_ssl_verify_depth 10;");
        }
        else
        {
            text.Line("            # WITHOUT verification (spec.upstreamTls.insecureSkipVerify): any upstream certificate is accepted.")
                .Line("            proxy_ssl_verify off;");
        }

        if (tls.ClientCertificateFile is { } crt && tls.ClientKeyFile is { } key)
        {
            text.Line($"            proxy_ssl_certificate {model.PathOf(crt)};")
                .Line($"            proxy_ssl_certificate_key {model.PathOf(key)};");
        }
    }

    /// <summary>Enough hash buckets for every exact name (wildcards are regexes, not hashed): nginx refuses to start when they do not fit.</summary>
    private static int ServerNameHashSize(ListenerRenderModel model) =>
        Math.Max(512, 2 * SniRoute.Of(model).Sum(r => r.Hostnames.Count(h => !h.StartsWith("*.", StringComparison.Ordinal))));

    /// <summary>nginx's own <c>*.example.com</c> also matches <c>a.b.example.com</c>; a TLS wildcard covers one label only.</summary>
    private static string ServerName(string hostname) =>
        hostname.StartsWith("*.", StringComparison.Ordinal)
            ? "\"~^[^.]+" + hostname[1..].Replace(".", "\\.", StringComparison.Ordinal) + "$\""
            : hostname;

    private static string Listen(string? address, int port) => address is null ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Host(address)}:{port}";

    private static string Host(string host) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ip}]" : host;
}
