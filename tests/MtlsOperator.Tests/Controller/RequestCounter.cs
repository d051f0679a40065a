using System.Collections.Concurrent;

namespace MtlsOperator.Tests.Controller;

/// <summary>Counts the write requests one client sends, by path, so a test can tell which operator replica wrote what.</summary>
internal sealed class RequestCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _writes = new();

    /// <summary>"METHOD path" of every non-GET request sent through this client.</summary>
    public IReadOnlyList<string> Writes => [.. _writes];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get)
        {
            _writes.Enqueue($"{request.Method} {request.RequestUri?.AbsolutePath}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
