using System.Collections.Concurrent;

namespace MtlsOperator.Tests.Controller;

/// <summary>
/// The wire between one operator replica and the API server: records the replica's write requests (so a test can
/// tell which replica wrote what) and can cut the replica off, as a network partition would.
/// </summary>
internal sealed class OperatorTraffic : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _writes = new();
    private volatile bool _partitioned;

    /// <summary>"METHOD path" of every non-GET request that reached the server.</summary>
    public IReadOnlyList<string> Writes => [.. _writes];

    /// <summary>While true, every request fails before it leaves the replica.</summary>
    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_partitioned)
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
