using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Haproxy;

/// <summary>Writes <c>haproxy.cfg</c>. Pins and rules are sorted so the same policy renders the same bytes whatever its order.</summary>
internal static class HaproxyConfig
{
    private const string SubjectFetch = "ssl_c_s_dn(,0,rfc2253)";
    private const string IssuerFetch = "ssl_c_i_dn(,0,rfc2253)";
    private const string Sha256Fetch = "ssl_c_der,sha2(256),hex,lower";

    private static readonly (string Name, string Value)[] CertificateHeaders =
    [
        (ForwardedCertificate.Subject, $"%[{SubjectFetch}]"),
        (ForwardedCertificate.Issuer, $"%[{IssuerFetch}]"),
        (ForwardedCertificate.Serial, "%[ssl_c_serial,hex]"),
        (ForwardedCertificate.Sha1, "%[ssl_c_sha1,hex,lower]"),
        (ForwardedCertificate.Sha256, $"%[{Sha256Fetch}]"),
        (ForwardedCertificate.Xfcc, $"Hash=%[{Sha256Fetch}];Subject=\\\"%[{SubjectFetch}]\\\""),
    ];

    public static string Write(ListenerRenderModel model, string crtListFile, string upstreamErrorFile)
    {
        var text = new ConfigText()
            .Line($"# Rendered by mtls-operator for MtlsListener {model.Namespace}/{model.Name}. Do not edit: the operator overwrites this file.")
            .Line($"# Run in master-worker mode (haproxy -W -f {model.PathOf("haproxy.cfg")}); SIGUSR2 to the master reloads gracefully.")
            .Line("global")
            .Line("    log stdout format raw local0")
            .Line("    # Load a certificate's key from \"<certificate>.key\" and no other file from the mount.")
            .Line("    ssl-load-extra-files key")
            .Line("    # After a reload, old workers serve open connections with the old trust: bound how long.")
            .Line("    hard-stop-after 30s")
            .Line()
            .Line("defaults")
            .Line("    mode http")
            .Line("    log global")
            .Line("    option httplog")
            .Line("    option dontlognull")
            .Line("    timeout connect 5s")
            .Line("    timeout client 30s")
            .Line("    timeout server 30s")
            .Line("    timeout http-request 10s")
            .Line("    timeout http-keep-alive 10s")
            .Line()
            .Line("frontend mtls");
        WriteBind(text, model, crtListFile);
        WriteHeaderStripping(text, model);
        WriteAdmission(text, model);
        if (model.ForwardIdentityHeader is { } header)
        {
            text.Line("    # Only admitted requests get here: the verified client subject (RFC 2253, non-ASCII as \\XX escapes).")
                .Line($"    http-request set-header {header} \"%[{SubjectFetch}]\"");
        }

        if (model.ForwardClientCertificate)
        {
            text.Line("    # forwardClientCertificate: what identifies the verified client certificate (each header was removed from client input above).");
            foreach (var (name, value) in CertificateHeaders)
            {
                text.Line($"    http-request set-header {name} \"{value}\"");
            }
        }

        text.Line("    default_backend upstream")
            .Line()
            .Line("backend upstream");
        if (model.UpstreamTls is not null)
        {
            text.Line("    # No verified TLS connection to the upstream: 502, as nginx answers (HAProxy's own would be 503).")
                .Line($"    errorfile 503 {model.PathOf(upstreamErrorFile)}");
        }

        WriteUpstreamServer(text, model);
        return text.ToString();
    }

    /// <summary>HAProxy refuses to start when a server's name does not resolve, unless <c>init-addr</c> allows no address.</summary>
    private static void WriteUpstreamServer(ConfigText text, ListenerRenderModel model)
    {
        var server = $"    server app {Address(model.UpstreamHost, model.UpstreamPort)}" + UpstreamTlsOptions(text, model);
        switch (UpstreamHost.Classify(model.UpstreamHost))
        {
            case UpstreamHostKind.Localhost:
                text.Line("    # Resolved from /etc/hosts at start; without an address HAProxy still starts and answers 503.")
                    .Line(server + " init-addr libc,none");
                break;
            case UpstreamHostKind.DnsName:
                text.Line("    # Resolved at start (libc) and then every few seconds by the nameservers of /etc/resolv.conf, without its search")
                    .Line("    # list: give a fully qualified name. Until the name resolves HAProxy runs and answers 503. IPv4 first, then IPv6.")
                    .Line(server + " init-addr libc,none resolvers mtls_dns resolve-prefer ipv4")
                    .Line()
                    .Line("resolvers mtls_dns")
                    .Line("    parse-resolv-conf")
                    .Line("    hold valid 10s");
                break;
            default:
                text.Line(server);
                break;
        }
    }

    /// <summary>The server options for TLS to the upstream (empty for plain HTTP), with a comment line saying what is checked.</summary>
    private static string UpstreamTlsOptions(ConfigText text, ListenerRenderModel model)
    {
        if (model.UpstreamTls is not { } tls)
        {
            return "";
        }

        string options;
        if (tls.CaFile is { } ca)
        {
            // verifyhost checks the name against the certificate's SANs (wildcards as RFC 6125); the chain must reach ca-file.
            text.Line($"    # TLS to the upstream: its certificate must chain to {tls.CaFile} and carry the name {tls.ServerName}; otherwise 502, nothing forwarded.");
            options = $" ssl verify required ca-file {model.PathOf(ca)} verifyhost {tls.ServerName} sni str({tls.ServerName}) ssl-min-ver TLSv1.2";
        }
        else
        {
            text.Line("    # TLS to the upstream WITHOUT verification (spec.upstreamTls.insecureSkipVerify): any certificate is accepted.");
            options = $" ssl verify none sni str({tls.ServerName}) ssl-min-ver TLSv1.2";
        }

        if (tls.ClientCertificateFile is { } crt)
        {
            // The key is loaded from "<crt>.key" (ssl-load-extra-files key).
            options += $" crt {model.PathOf(crt)}";
        }

        return options;
    }

    private static void WriteBind(ConfigText text, ListenerRenderModel model, string crtListFile)
    {
        var bind = $"    bind {Address(model.ListenAddress ?? "", model.ListenPort)} ssl crt-list {model.PathOf(crtListFile)} ssl-min-ver TLSv1.2" +
            $" verify required ca-file {model.PathOf(model.CaFile)}";
        text.Line("    # verify required: a client without a certificate chaining to the CA bundle fails the TLS handshake.");
        if (model.CrlFile is { } crl)
        {
            bind += $" crl-file {model.PathOf(crl)}";
            if (IgnoresMissingCaCrls(model.CasWithoutCrl))
            {
                // OpenSSL reports a missing CRL at the depth of the certificate being checked: ca-ignore-err (depth > 0) only
                // skips revocation of CA certificates signed by a CA without a CRL. A client certificate whose own issuer has no
                // CRL is still refused, and expired or badly signed CRLs still fail: fail closed.
                bind += " ca-ignore-err 3";
                text.Line("    # ca-ignore-err 3: no revocation check of CA certificates issued by these CAs, which have no CRL:");
                foreach (var subject in model.CasWithoutCrl.Order(StringComparer.Ordinal))
                {
                    text.Line($"    #   {ConfigText.ForComment(subject)}");
                }

                text.Line("    # A client certificate issued directly by one of them is refused: add that CA's CRL (an empty one will do).");
            }
        }

        text.Line(bind);
    }

    /// <summary>Whether the bind line gets <c>ca-ignore-err 3</c> (with a CRL file): when some bundle CAs have no CRL.</summary>
    public static bool IgnoresMissingCaCrls(System.Collections.Immutable.ImmutableArray<string> casWithoutCrl) => !casWithoutCrl.IsDefaultOrEmpty;

    private static void WriteHeaderStripping(ConfigText text, ListenerRenderModel model)
    {
        text.Line("    # Identity headers only this proxy may set: drop every copy a client sent, in every spelling an app may read")
            .Line("    # as the same name (any case, '-' and '_' alike: CGI/WSGI turn both into '_').");
        foreach (var name in IdentityHeaders.StrippedFromClients(model))
        {
            text.Line($"    http-request del-header '{IdentityHeaders.AnySpelling(name)}' -m reg");
        }
    }

    private static void WriteAdmission(ConfigText text, ListenerRenderModel model)
    {
        text.Line("    # Admitted: a pinned certificate OR a rule whose issuer AND subject match. Everyone else: 403.")
            .Line("    # HAProxy reads at most 64 words per line, so each alternative marks the request on its own line.");
        var paths = model.Paths.IsDefault ? [] : model.Paths;
        if (paths.IsEmpty)
        {
            WriteScope(text, model.Pins, model.Rules, "mtls_", "");
        }
        else
        {
            var scopes = PathScopes.Numbered(paths);
            text.Line("    # spec.paths: the raw path (before '?', never decoded) decides. A spelling an app could read as another path is refused,")
                .Line("    # then the longest prefix covering the path (any case, up to '/' or '.') picks the pins and rules; other paths: the policy's own.")
                .Line("    http-request deny deny_status 400 unless { path -m beg / }")
                .Line($"    http-request deny deny_status 400 if {{ path -m reg -i '{PathRules.PathPatterns.RefusedPath}' }}")
                .Line("    http-request set-var(txn.mtls_scope) int(0)");
            foreach (var (number, scope) in scopes)
            {
                text.Line($"    acl mtls_path{number} path -m reg -i '{PathRules.PathPatterns.UnderPath(scope.Prefix)}'");
            }

            foreach (var (number, _) in scopes.OrderBy(s => s.Scope.Prefix.Length).ThenBy(s => s.Number))
            {
                text.Line($"    http-request set-var(txn.mtls_scope) int({number}) if mtls_path{number}");
            }

            WriteScope(text, model.Pins, model.Rules, "mtls_", "{ var(txn.mtls_scope) -m int 0 } ");
            foreach (var (number, scope) in scopes)
            {
                WriteScope(text, scope.Pins, scope.Rules, $"mtls_path{number}_", $"{{ var(txn.mtls_scope) -m int {number} }} ");
            }
        }

        text.Line("    http-request deny deny_status 403 unless { var(txn.mtls_admitted) -m bool }");
    }

    /// <summary>The ACLs of one set of pins and rules (named <paramref name="acl"/>...), each alternative marking the request admitted
    /// when it also meets <paramref name="guard"/> (a condition followed by a space, or empty).</summary>
    private static void WriteScope(ConfigText text, ImmutableArray<CertificatePin> givenPins, ImmutableArray<ClientMatchRule> givenRules, string acl, string guard)
    {
        var alternatives = new List<string>();
        var pins = (givenPins.IsDefault ? [] : givenPins).Distinct().OrderBy(p => p.Algorithm).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
        foreach (var pin in pins)
        {
            var fetch = pin.Algorithm == PinAlgorithm.Sha1 ? "ssl_c_sha1,hex,lower" : "ssl_c_der,sha2(256),hex,lower";
            text.Line($"    acl {acl}pinned {fetch} -m str {pin.Value}");
        }

        if (pins.Count > 0)
        {
            alternatives.Add(acl + "pinned");
        }

        var rules = (givenRules.IsDefault ? [] : givenRules).Distinct()
            .OrderBy(r => r.Issuer, StringComparer.Ordinal).ThenBy(r => r.Subject, StringComparer.Ordinal).ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            var (issuer, subject) = RenderInputCheck.PatternsOf(rules[i]);
            var terms = new List<string>();
            if (issuer is not null)
            {
                text.Line($"    acl {acl}rule{i}_issuer {IssuerFetch} -m reg '^{issuer}$'");
                terms.Add($"{acl}rule{i}_issuer");
            }

            if (subject is not null)
            {
                text.Line($"    acl {acl}rule{i}_subject {SubjectFetch} -m reg '^{subject}$'");
                terms.Add($"{acl}rule{i}_subject");
            }

            if (terms.Count > 0)
            {
                alternatives.Add(string.Join(' ', terms));
            }
        }

        foreach (var alternative in alternatives)
        {
            text.Line($"    http-request set-var(txn.mtls_admitted) bool(true) if {guard}{alternative}");
        }
    }

    /// <summary>HAProxy's address syntax; an empty host means every IPv4 address.</summary>
    private static string Address(string host, int port) =>
        IPAddress.TryParse(host, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6@{ip}:{port}"
            : $"{host}:{port}";
}
