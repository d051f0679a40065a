using k8s.Models;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Controller.Caching;

/// <summary>An output Secret as the cache keeps it when only its owner reads it: metadata and type as sent, the data as its
/// digest only (an output Secret holds certificates, a key, CAs and proxy config: most of what a listener costs in memory).</summary>
/// <remarks>Its owner needs the data only to know whether the Secret already holds what it would write (the writer compares
/// <see cref="OutputDigest"/>s) and, while its input is bad, the hash of the last good output (<see cref="ContentHash"/>).
/// <see cref="V1Secret.Data"/> is null: code that reads data never gets one of these (see <c>ClusterCache</c>).</remarks>
internal sealed record DigestedSecret : V1Secret
{
    // The models are records: the base copy constructor takes everything (shallow), then the data is let go.
    public DigestedSecret(V1Secret full)
        : base(full)
    {
        ContentHash = full.Data is { } data ? OutputContentHash.Of(data) : null;
        // The same value when there is data (one string, not two equal ones).
        Digest = ContentHash ?? OutputDigest.Of(full);
        Data = null;
        StringData = null;
    }

    /// <summary><see cref="OutputContentHash"/> of the data it held; null when it held none.</summary>
    public string? ContentHash { get; }

    /// <summary><see cref="OutputDigest.Of(V1Secret)"/> of the full Secret.</summary>
    public string Digest { get; }
}
