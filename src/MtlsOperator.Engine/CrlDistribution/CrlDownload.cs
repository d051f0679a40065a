namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>What the shell last received from one CRL URL of one bundle. The engine verifies <see cref="Body"/> itself; nothing here is trusted.</summary>
/// <param name="Body">The last response body received with success (kept while later fetches fail), or null when none was.</param>
/// <param name="ReceivedAt">When <see cref="Body"/> was first received (a refetch of the same bytes keeps it).</param>
/// <param name="Error">Why the latest fetch failed, in words that stay the same while the failure does; null when it succeeded.</param>
/// <param name="FailingSince">The first failure of the current run of failures, while <see cref="Error"/> is set.</param>
public sealed record CrlDownload(byte[]? Body, DateTimeOffset? ReceivedAt, string? Error, DateTimeOffset? FailingSince);

/// <summary>The CRLs a shell has downloaded for bundles' URLs (the controller's refresher, or <c>render --fetch-crls</c>).</summary>
public interface ICrlDownloads
{
    /// <summary>The latest download of <paramref name="url"/> for bundle <paramref name="namespace"/>/<paramref name="bundle"/>, or null
    /// when it has not been attempted yet.</summary>
    CrlDownload? Find(string @namespace, string bundle, string url);

    /// <summary>Why this shell never fetches (e.g. <c>render</c> without <c>--fetch-crls</c>), said to the user; null when it fetches.</summary>
    string? NotFetchingBecause { get; }
}

/// <summary>Downloads given as data: a fixed map, or none at all.</summary>
public sealed class CrlDownloads(IReadOnlyDictionary<(string Namespace, string Bundle, string Url), CrlDownload> downloads, string? notFetchingBecause) : ICrlDownloads
{
    /// <summary>No downloads, because the shell does not fetch: <paramref name="because"/> says why and what to do.</summary>
    public static CrlDownloads NotFetching(string because) => new(new Dictionary<(string, string, string), CrlDownload>(), because);

    public string? NotFetchingBecause { get; } = notFetchingBecause;

    public CrlDownload? Find(string @namespace, string bundle, string url) => downloads.GetValueOrDefault((@namespace, bundle, url));
}
