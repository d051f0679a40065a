using MtlsOperator.CrlFetching;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Cli;

/// <summary><c>render --fetch-crls</c>: fetches once every CRL URL the bundles of a first, offline render named, with the operator's fetcher.</summary>
internal static class RenderCrlFetch
{
    public static CrlDownloads FetchAll(RenderResult offline, DateTimeOffset now)
    {
        var wanted = offline.Outcomes
            .Where(o => o.Resource is TrustBundle && o.Status is TrustBundleStatus)
            .SelectMany(o => (((TrustBundleStatus)o.Status).CrlFetches ?? []).Select(f => (Namespace: o.Resource.Metadata.NamespaceProperty ?? "default", Bundle: o.Resource.Metadata.Name, f.Url)))
            .Distinct()
            .ToList();
        var fetcher = new CrlHttpFetcher(TimeSpan.FromSeconds(30));
        var downloads = new System.Collections.Concurrent.ConcurrentDictionary<(string, string, string), CrlDownload>();
        var byUrl = new System.Collections.Concurrent.ConcurrentDictionary<string, CrlResponse>(StringComparer.Ordinal);
        Parallel.ForEach(wanted.Select(w => w.Url).Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            url => byUrl[url] = fetcher.FetchAsync(url, null, null, CancellationToken.None).GetAwaiter().GetResult());
        foreach (var (ns, bundle, url) in wanted)
        {
            var response = byUrl[url];
            downloads[(ns, bundle, url)] = new CrlDownload(response.Body, response.Body is null ? null : now, response.Error, response.Error is null ? null : now);
        }

        return new CrlDownloads(downloads, null);
    }
}
