using System.Collections.Concurrent;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>The app behind a proxy in a test: a port, and the headers of every request that reached it.</summary>
public interface IUpstreamApp : IAsyncDisposable
{
    int Port { get; }

    /// <summary>Headers of every request that reached the app, in arrival order (names lower-case).</summary>
    ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; }
}
