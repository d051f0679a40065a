namespace MtlsOperator.Sidecar;

/// <summary>How one proxy flavour is checked, started, reloaded and stopped.</summary>
internal interface IProxyDriver : IDisposable
{
    /// <summary><c>haproxy</c>, <c>nginx</c> or <c>envoy</c>.</summary>
    string Proxy { get; }

    /// <summary>The key of the proxy's config file (<c>haproxy.cfg</c>, <c>nginx.conf</c>, <c>envoy.yaml</c>).</summary>
    string ConfigKey { get; }

    /// <summary>Keys of the Secret that name other keys by path and are rewritten to point into each staged copy.</summary>
    IReadOnlyCollection<string> RewrittenKeys { get; }

    /// <summary>Whether the proxy process is up.</summary>
    bool IsRunning { get; }

    /// <summary>The proxy's own check of the staged copy in <paramref name="directory"/>: null when it passes, else the proxy's error.</summary>
    Task<string?> CheckAsync(string directory, CancellationToken cancellationToken);

    /// <summary>Starts the proxy on <paramref name="current"/> (the stable link to the accepted copy's config), or gracefully reloads the
    /// running one onto what the link now names. Null when the proxy reports it loaded; else the proxy's error (it keeps serving
    /// the previous version then). <paramref name="running"/> is the version the proxy serves now, if any.</summary>
    Task<string?> LoadAsync(string current, MountedVersion? running, MountedVersion next, CancellationToken cancellationToken);

    /// <summary>Stops accepting, lets open connections finish for up to <paramref name="drain"/>, then stops hard.</summary>
    Task StopAsync(TimeSpan drain);
}
