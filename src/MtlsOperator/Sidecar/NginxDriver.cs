namespace MtlsOperator.Sidecar;

/// <summary>nginx in the foreground (the rendered config says <c>daemon off</c>): SIGHUP makes the master re-read the config
/// and start new workers; old workers finish their connections (bounded by <c>worker_shutdown_timeout</c> in the config). A
/// config the master cannot apply (a port in use) is logged as <c>[emerg]</c> and the old workers keep serving.</summary>
internal sealed class NginxDriver(SupervisorOptions options, TextWriter log) : IProxyDriver
{
    private const string Config = "nginx.conf";
    private const string Started = "start worker processes";

    /// <summary>Printed by each old worker once it closed its listening sockets.</summary>
    private const string OldWorkerStopped = "gracefully shutting down";
    private static readonly string[] s_failures = ["[emerg]"];
    private ProxyChild? _child;

    public string Proxy => "nginx";

    public string ConfigKey => Config;

    public IReadOnlyCollection<string> RewrittenKeys { get; } = [Config];

    public bool IsRunning => _child is { HasExited: false };

    public async Task<string?> CheckAsync(string directory, CancellationToken cancellationToken)
    {
        var (exit, output) = await ProxyCommand.RunAsync(options.ProxyBinary, ["-t", "-q", "-e", "stderr", "-c", Path.Combine(directory, Config)], options.ProxyTimeout, cancellationToken)
            .ConfigureAwait(false);
        return exit == 0 ? null : output;
    }

    public async Task<string?> LoadAsync(string current, MountedVersion? running, MountedVersion next, CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            _child?.Dispose();
            _child = ProxyChild.Start(options.ProxyBinary, ["-e", "stderr", "-c", current], log);
            var (started, output) = await _child.WaitForAsync(0, Started, s_failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
            return started ? null : output;
        }

        var mark = _child!.Mark;
        _child.Signal(PosixSignals.Hangup);
        var (ok, error) = await _child.WaitForAsync(mark, Started, s_failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        if (ok)
        {
            // Until the old worker closed its listening socket, a new connection may still meet the old config.
            await _child.WaitForAsync(mark, OldWorkerStopped, [], options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        }

        return ok ? null : error;
    }

    public async Task StopAsync(TimeSpan drain)
    {
        if (_child is { HasExited: false } child)
        {
            // SIGQUIT: graceful shutdown. Workers stop accepting and finish open requests.
            child.Signal(PosixSignals.Quit);
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
