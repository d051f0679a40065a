using System.Collections.Immutable;

namespace MtlsOperator.Engine.Rendering;

/// <summary>One server certificate and the SNI names that select it; the first route is the default (no or unknown SNI).</summary>
public sealed record SniRoute(ServerCertificateFiles Files, ImmutableArray<string> Hostnames, bool IsDefault)
{
    /// <summary>Routes in model order with hostnames lower-cased and de-duplicated: a name already claimed by an earlier certificate
    /// stays with it (as both proxies would do), and a non-default certificate left without names is not served.</summary>
    public static ImmutableArray<SniRoute> Of(ListenerRenderModel model)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var routes = ImmutableArray.CreateBuilder<SniRoute>();
        for (var i = 0; i < model.ServerCertificates.Length; i++)
        {
            var files = model.ServerCertificates[i];
            var names = files.Hostnames.Select(h => h.Trim().ToLowerInvariant()).Where(claimed.Add).ToImmutableArray();
            if (i == 0 || names.Length > 0)
            {
                routes.Add(new SniRoute(files, names, i == 0));
            }
        }

        return routes.ToImmutable();
    }
}
