using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>The file-based SDS resources: one <c>Secret</c> per server certificate and one for client validation.</summary>
/// <remarks>Everything that rotates (certificates, keys, CA bundle, CRLs, pins, SAN rules) lives in these files, not in
/// <c>envoy.yaml</c>: Envoy re-reads an SDS file when a file is moved into its watched directory, which is exactly what
/// kubelet does when it swaps the Secret's <c>..data</c> symlink, so a new generation takes effect without a restart.</remarks>
internal static class EnvoySecrets
{
    /// <summary>A discovery response holding one <c>TlsCertificate</c> secret (api/envoy/extensions/transport_sockets/tls/v3/common.proto).</summary>
    public static string TlsCertificate(ListenerRenderModel model, ServerCertificateFiles certificate) =>
        DiscoveryResponse(new YamlMap()
            .Add("@type", EnvoyNames.SecretType)
            .Add("name", EnvoyNames.TlsSecret(certificate))
            .Add("tls_certificate", new YamlMap()
                .Add("certificate_chain", File(model, certificate.CertificateFile))
                .Add("private_key", File(model, certificate.KeyFile))
                .Add("watched_directory", WatchedDirectory(model))));

    /// <summary>The upstream's <c>CertificateValidationContext</c>: its own CAs and the one DNS name its certificate must carry.</summary>
    public static string UpstreamValidation(ListenerRenderModel model, UpstreamTlsModel tls) =>
        DiscoveryResponse(new YamlMap()
            .Add("@type", EnvoyNames.SecretType)
            .Add("name", EnvoyNames.UpstreamValidationSecret)
            .Add("validation_context", new YamlMap()
                .Add("trusted_ca", File(model, tls.CaFile!))
                .Add("watched_directory", WatchedDirectory(model))
                .Add("match_typed_subject_alt_names", new List<object>
                {
                    new YamlMap().Add("san_type", new YamlEnum("DNS")).Add("matcher", new YamlMap().Add("exact", tls.ServerName)),
                })));

    /// <summary>The certificate Envoy presents to the upstream.</summary>
    public static string UpstreamCertificate(ListenerRenderModel model, UpstreamTlsModel tls) =>
        DiscoveryResponse(new YamlMap()
            .Add("@type", EnvoyNames.SecretType)
            .Add("name", EnvoyNames.UpstreamTlsSecret)
            .Add("tls_certificate", new YamlMap()
                .Add("certificate_chain", File(model, tls.ClientCertificateFile!))
                .Add("private_key", File(model, tls.ClientKeyFile!))
                .Add("watched_directory", WatchedDirectory(model))));

    /// <summary>A discovery response holding the <c>CertificateValidationContext</c> every filter chain uses.</summary>
    public static string Validation(ListenerRenderModel model)
    {
        var context = new YamlMap()
            .Add("trusted_ca", File(model, model.CaFile))
            .Add("watched_directory", WatchedDirectory(model));
        if (model.CrlFile is not null)
        {
            context.Add("crl", File(model, model.CrlFile));

            // Without the flag Envoy demands a CRL from every CA of the chain and rejects every client when one is missing.
            // With it only the leaf is checked, against its issuer's CRL (a leaf whose issuer has no CRL is still rejected:
            // BoringSSL cannot get the CRL). That loses nothing only when no CRL could revoke a CA, which the evaluator
            // states as CrlsRevokeOnlyLeaves; EnvoyEnforceability refuses the other cases, so the flag is safe here.
            if (!model.CasWithoutCrl.IsDefaultOrEmpty)
            {
                context.Add("only_verify_leaf_cert_crl", true);
            }
        }

        AddPins(context, model, PinAlgorithm.Sha256, "verify_certificate_hash");
        AddPins(context, model, PinAlgorithm.SpkiSha256, "verify_certificate_spki");
        if (!model.Rules.IsDefaultOrEmpty)
        {
            context.Add("match_typed_subject_alt_names", model.Rules.Select(SanMatcher).ToList());
        }

        return DiscoveryResponse(new YamlMap()
            .Add("@type", EnvoyNames.SecretType)
            .Add("name", EnvoyNames.ValidationSecret)
            .Add("validation_context", context));
    }

    // Envoy admits a certificate when its hash is in verify_certificate_hash OR in verify_certificate_spki, the same OR
    // the model means across pin entries.
    // With path rules the handshake admits the union of every path's pins; RBAC then decides per route (EnvoyPathRoutes).
    private static void AddPins(YamlMap context, ListenerRenderModel model, PinAlgorithm algorithm, string field)
    {
        var pins = (model.Pins.IsDefault ? [] : model.Pins).Concat((model.Paths.IsDefault ? [] : model.Paths).SelectMany(p => p.Pins.IsDefault ? [] : p.Pins));
        var values = pins.Where(p => p.Algorithm == algorithm).Select(p => p.Value).Distinct().Select(v => (object)v).ToList();
        if (values.Count > 0)
        {
            context.Add(field, values);
        }
    }

    // A rule carries exactly one of DnsName / Uri here (EnvoyEnforceability refuses the rest). For DNS an `exact` matcher
    // follows DNS wildcard semantics in Envoy (a client SAN "*.example.com" satisfies exact "api.example.com"), which would
    // admit clients the model does not; an anchored RE2 regex of the escaped literal compares the SAN text as is.
    private static YamlMap SanMatcher(ClientMatchRule rule) => rule.DnsName is { } dns
        ? new YamlMap()
            .Add("san_type", new YamlEnum("DNS"))
            .Add("matcher", new YamlMap().Add("safe_regex", new YamlMap().Add("regex", "^" + Re2Literal(dns) + "$")))
        : new YamlMap()
            .Add("san_type", new YamlEnum("URI"))
            .Add("matcher", new YamlMap().Add("exact", rule.Uri!));

    /// <summary>RE2 pattern matching exactly <paramref name="literal"/>: every ASCII punctuation character escaped.</summary>
    internal static string Re2Literal(string literal) =>
        string.Concat(literal.Select(c => char.IsAsciiLetterOrDigit(c) || c > 0x7f ? c.ToString() : "\\" + c));

    private static YamlMap File(ListenerRenderModel model, string key) => new YamlMap().Add("filename", model.PathOf(key));

    private static YamlMap WatchedDirectory(ListenerRenderModel model) => new YamlMap().Add("path", EnvoyNames.WatchedDirectory(model));

    private static string DiscoveryResponse(YamlMap secret) =>
        new YamlMap().Add("resources", new List<object> { secret }).ToYaml();
}
