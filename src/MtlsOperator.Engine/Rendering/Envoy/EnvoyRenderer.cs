using System.Collections.Frozen;
using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>Renders a listener as an Envoy v3 static bootstrap plus file-based SDS resources that rotate without a restart.</summary>
/// <remarks>Targets Envoy 1.24 or later (<c>path_config_source</c>, typed SAN matchers, regex without an explicit engine).
/// Certificates, keys, the CA bundle, CRLs, pins and SAN rules live in the SDS files and reload when kubelet swaps the
/// Secret; ports, the certificate list and the identity header live in <c>envoy.yaml</c> and need a restart.</remarks>
public sealed class EnvoyRenderer : IProxyRenderer
{
    private static readonly FrozenSet<PinAlgorithm> s_pins = new[] { PinAlgorithm.Sha256, PinAlgorithm.SpkiSha256 }.ToFrozenSet();

    public ProxyFlavor Flavor => ProxyFlavor.Envoy;

    public string ConfigFileName => EnvoyNames.ConfigFile;

    /// <summary>SHA-256 of the certificate (<c>verify_certificate_hash</c>) and of its SPKI (<c>verify_certificate_spki</c>); Envoy has no SHA-1 pin.</summary>
    public IReadOnlySet<PinAlgorithm> SupportedPinAlgorithms => s_pins;

    public IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model) => EnvoyEnforceability.Find(model);

    public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model)
    {
        var problems = FindUnenforceable(model);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Envoy cannot enforce this listener: " + string.Join("; ", problems));
        }

        var files = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        files.Add(EnvoyNames.ConfigFile, EnvoyBootstrap.Render(model));
        files.Add(EnvoyNames.ValidationSecretFile, EnvoySecrets.Validation(model));
        foreach (var route in SniRoute.Of(model))
        {
            files.Add(EnvoyNames.TlsSecretFile(route.Files), EnvoySecrets.TlsCertificate(model, route.Files));
        }

        if (model.UpstreamTls is { } tls)
        {
            if (tls.Verifies)
            {
                files.Add(EnvoyNames.UpstreamValidationSecretFile, EnvoySecrets.UpstreamValidation(model, tls));
            }

            if (tls.ClientCertificateFile is not null)
            {
                files.Add(EnvoyNames.UpstreamTlsSecretFile, EnvoySecrets.UpstreamCertificate(model, tls));
            }
        }

        return files.ToImmutable();
    }
}
