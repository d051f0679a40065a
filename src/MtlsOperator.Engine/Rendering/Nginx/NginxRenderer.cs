using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering.Nginx;

/// <summary>Renders a listener for nginx 1.22+: chain and CRL checked in the handshake (400 when they fail), pins and rules per request (403).</summary>
public sealed class NginxRenderer : IProxyRenderer
{
    public ProxyFlavor Flavor => ProxyFlavor.Nginx;

    public string ConfigFileName => "nginx.conf";

    /// <summary>Stock nginx exposes only the SHA-1 fingerprint of the client certificate (<c>$ssl_client_fingerprint</c>).</summary>
    public IReadOnlySet<PinAlgorithm> SupportedPinAlgorithms { get; } = ImmutableHashSet.Create(PinAlgorithm.Sha1);

    public IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model)
    {
        var reasons = RenderInputCheck.Find(model, "nginx", SupportedPinAlgorithms);
        if (model.CrlFile is not null && !model.CasWithoutCrl.IsDefaultOrEmpty)
        {
            reasons.Add("nginx checks a CRL for every CA of a client's chain once any CRL is given, and these CAs have none: " +
                string.Join("; ", model.CasWithoutCrl.Order(StringComparer.Ordinal)) +
                ". Every client chaining through them would be refused. Add a CRL for each of them to the TrustBundle (an empty CRL signed by that CA will do).");
        }

        return reasons;
    }

    public IReadOnlyList<string> FindLimitsExceeded(ListenerRenderModel model) => NginxRuleMaps.FindLimitsExceeded(model);

    public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model) =>
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create(ConfigFileName, NginxConfig.Write(model))]);
}
