namespace MtlsOperator.Sidecar;

/// <summary>HAProxy in master-worker mode (<c>-W</c>) in the foreground: SIGUSR2 makes the master re-read the config and start
/// new workers; old workers stop accepting and finish their connections (bounded by <c>hard-stop-after</c> in the config).</summary>
internal sealed class HaproxyDriver(SupervisorOptions options, TextWriter log) : IProxyDriver
{
    private const string Config = "haproxy.cfg";
    private const string Loaded = "Loading success.";

    /// <summary>Printed by the old worker for each proxy section once it stopped accepting (soft stop).</summary>
    private const string OldWorkerStopped = "stopped (cumulated conns";
    private static readonly string[] s_failures = ["Loading failure!"];
    private ProxyChild? _child;

    public string Proxy => "haproxy";

    public string ConfigKey => Config;

    public IReadOnlyCollection<string> RewrittenKeys { get; } = [Config, "haproxy.crt-list"];

    public bool IsRunning => _child is { HasExited: false };

    public async Task<string?> CheckAsync(string directory, CancellationToken cancellationToken)
    {
        var (exit, output) = await ProxyCommand.RunAsync(options.ProxyBinary, ["-c", "-f", Path.Combine(directory, Config)], options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        // The banner ([NOTICE] version, executable) says nothing about the config.
        return exit == 0 ? null : string.Join('\n', output.Split('\n').Where(l => !l.Contains("[NOTICE]", StringComparison.Ordinal)));
    }

    public async Task<string?> LoadAsync(string current, MountedVersion? running, MountedVersion next, CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            _child?.Dispose();
            _child = ProxyChild.Start(options.ProxyBinary, ["-W", "-db", "-f", current], log);
            var (started, output) = await _child.WaitForAsync(0, Loaded, s_failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
            return started ? null : output;
        }

        var mark = _child!.Mark;
        _child.Signal(PosixSignals.User2);
        var (ok, error) = await _child.WaitForAsync(mark, Loaded, s_failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        if (ok)
        {
            // Until the old worker stops accepting, a new connection may still meet the old config: served means after that.
            await _child.WaitForAsync(mark, OldWorkerStopped, [], options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        }

        return ok ? null : error;
    }

    public async Task StopAsync(TimeSpan drain)
    {
        if (_child is { HasExited: false } child)
        {
            // SIGUSR1: soft stop. Listeners close, open connections finish, then the master exits.
            child.Signal(PosixSignals.User1);
            if (!await child.WaitForExitAsync(drain).ConfigureAwait(false))
            {
                child.Signal(PosixSignals.Terminate);
                await child.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }

        Dispose();
    }

    public void Dispose()
    {
        _child?.Dispose();
        _child = null;
    }
}
