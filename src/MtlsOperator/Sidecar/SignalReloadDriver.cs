namespace MtlsOperator.Sidecar;

/// <summary>A proxy whose master process runs in the foreground and reloads on a signal (HAProxy, nginx): the master re-reads the
/// config and starts new workers, old workers stop accepting and finish their connections (bounded by the config). What differs
/// between the proxies is in <see cref="SignalReloadProxy"/>.</summary>
internal sealed class SignalReloadDriver(SignalReloadProxy proxy, SupervisorOptions options, TextWriter log) : IProxyDriver
{
    // Volatile: the status endpoint reads IsRunning from another thread than the supervisor that replaces the child.
    private volatile ProxyChild? _child;

    public string Proxy => proxy.Name;

    public string ConfigKey => proxy.ConfigKey;

    public IReadOnlyCollection<string> RewrittenKeys => proxy.RewrittenKeys;

    public bool IsRunning => _child is { HasExited: false };

    public async Task<string?> CheckAsync(string directory, CancellationToken cancellationToken)
    {
        var config = Path.Combine(directory, proxy.ConfigKey);
        // Run-time files the config includes must exist before the check reads them.
        if (proxy.Prepare?.Invoke(config) is { } unprepared)
        {
            return unprepared;
        }

        var (exit, output) = await ProxyCommand.RunAsync(options.ProxyBinary, proxy.CheckArguments(config), options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        return exit == 0 ? null : proxy.CheckOutput(output);
    }

    public async Task<string?> LoadAsync(string current, MountedVersion? running, MountedVersion next, CancellationToken cancellationToken)
    {
        if (_child is not { HasExited: false } child)
        {
            Dispose();
            var started = ProxyChild.Start(options.ProxyBinary, proxy.StartArguments(current), log);
            _child = started;
            var (ok, output) = await started.WaitForAsync(0, proxy.Loaded, proxy.Failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
            return ok ? null : output;
        }

        var mark = child.Mark;
        child.Signal(proxy.ReloadSignal);
        var (loaded, error) = await child.WaitForAsync(mark, proxy.Loaded, proxy.Failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        if (loaded)
        {
            // Until the old worker stops accepting, a new connection may still meet the old config: served means after that.
            await child.WaitForAsync(mark, proxy.OldWorkerStopped, [], options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        }

        return loaded ? null : error;
    }

    public async Task StopAsync(TimeSpan drain)
    {
        if (_child is { HasExited: false } child)
        {
            child.Signal(proxy.StopSignal);
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
        // Unpublished first, so a concurrent IsRunning sees no child rather than one being disposed.
        var child = _child;
        _child = null;
        child?.Dispose();
    }
}
