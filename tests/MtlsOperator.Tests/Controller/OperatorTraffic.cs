using System.Collections.Concurrent;

namespace MtlsOperator.Tests.Controller;

/// <summary>
/// The wire between one operator replica and the API server: records the replica's write requests (so a test can
/// tell which replica wrote what) and can cut the replica off, as a network partition would.
/// </summary>
internal sealed class OperatorTraffic : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _writes;
    private readonly OperatorTraffic? _origin;
    private volatile bool _partitioned;

    public OperatorTraffic() => _writes = new();

    private OperatorTraffic(OperatorTraffic origin)
    {
        _origin = origin;
        _writes = origin._writes;
    }

    /// <summary>"METHOD path" of every non-GET request that reached the server.</summary>
    public IReadOnlyList<string> Writes => [.. _writes];

    /// <summary>While true, every request fails before it leaves the replica.</summary>
    public bool Partitioned
    {
        get => _origin?.Partitioned ?? _partitioned;
        set => _partitioned = _origin is null ? value : throw new InvalidOperationException("partition the replica through its first handler");
    }

    /// <summary>A handler for another client of the same replica (a handler sits in one chain only): it records into the same
    /// writes and is partitioned with this one.</summary>
    public OperatorTraffic Sibling() => new(_origin ?? this);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Partitioned)
        {
            throw new HttpRequestException("network partition (test)");
        }

        if (request.Method != HttpMethod.Get)
        {
            _writes.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
