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

    /// <summary>Key of the response HAProxy sends instead of its own 503 when the upstream cannot be reached over TLS: a 502, as nginx
    /// answers, so "the upstream's certificate did not verify" reads the same on both (Envoy answers 503).</summary>
    public const string UpstreamErrorFileName = "haproxy-upstream-error.http";

    public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model)
    {
        var files = new Dictionary<string, string>
        {
            [ConfigFileName] = HaproxyConfig.Write(model, CrtListFileName, UpstreamErrorFileName),
            [CrtListFileName] = HaproxyCrtList.Write(model),
        };
        if (model.UpstreamTls is not null)
        {
            // HAProxy sends an errorfile as written, status line included; it replaces only responses HAProxy makes itself, never the app's.
            files[UpstreamErrorFileName] = "HTTP/1.0 502 Bad Gateway\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n" +
                "The upstream could not be reached over verified TLS.\n";
        }

        return ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, files);
    }

    /// <summary>HAProxy 2.6 has no per-certificate key path: it loads the key of <c>tls.crt</c> from <c>tls.crt.key</c>.</summary>
    public IReadOnlyDictionary<string, string> FileCopies(ListenerRenderModel model) =>
        SniRoute.Of(model).Where(r => HaproxyCrtList.KeyFileOf(r.Files) != r.Files.KeyFile)
            .Select(r => (Copy: HaproxyCrtList.KeyFileOf(r.Files), Source: r.Files.KeyFile))
            .Concat(model.UpstreamTls is { ClientCertificateFile: { } crt, ClientKeyFile: { } key } ? [(crt + ".key", key)] : [])
            .ToImmutableSortedDictionary(c => c.Copy, c => c.Source, StringComparer.Ordinal);
}
