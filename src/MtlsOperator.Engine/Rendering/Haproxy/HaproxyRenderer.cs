using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Haproxy;

/// <summary>Renders a listener for HAProxy 2.6+: chain, CRL and SNI enforced in the TLS handshake, pins and rules per request (403).</summary>
public sealed class HaproxyRenderer : IProxyRenderer
{
    /// <summary>Key of the crt-list naming each server certificate and the SNI names it serves.</summary>
    public const string CrtListFileName = "haproxy.crt-list";

    public ProxyFlavor Flavor => ProxyFlavor.Haproxy;

    public string ConfigFileName => "haproxy.cfg";

    /// <summary>HAProxy hashes the DER client certificate (<c>ssl_c_sha1</c>, <c>ssl_c_der,sha2(256)</c>); it has no SPKI fetch.</summary>
    public IReadOnlySet<PinAlgorithm> SupportedPinAlgorithms { get; } = ImmutableHashSet.Create(PinAlgorithm.Sha1, PinAlgorithm.Sha256);

    public IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model) =>
        RenderInputCheck.Find(model, "HAProxy", SupportedPinAlgorithms);

    public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            [ConfigFileName] = HaproxyConfig.Write(model, CrtListFileName),
            [CrtListFileName] = HaproxyCrtList.Write(model),
        });

    /// <summary>HAProxy 2.6 has no per-certificate key path: it loads the key of <c>tls.crt</c> from <c>tls.crt.key</c>.</summary>
    public IReadOnlyDictionary<string, string> FileCopies(ListenerRenderModel model) =>
        SniRoute.Of(model).Where(r => HaproxyCrtList.KeyFileOf(r.Files) != r.Files.KeyFile)
            .ToImmutableSortedDictionary(r => HaproxyCrtList.KeyFileOf(r.Files), r => r.Files.KeyFile, StringComparer.Ordinal);
}
