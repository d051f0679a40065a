using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>Keeps the proxy serving the newest mounted version its own check accepts, and reports what it serves.</summary>
/// <remarks>
/// For each new mounted version: stage a copy (<see cref="VersionStore"/>), let the proxy check the copy, and only then point
/// <c>current</c> at it and start or gracefully reload the proxy. A version the check or the reload refuses is reported as
/// rejected with the proxy's own words and never replaces the running one; if a reload fails, <c>current</c> goes back to
/// the version still running, so a later restart of the proxy starts what it served. A rejected version is not retried
/// until the mount changes again.
/// </remarks>
internal sealed class Supervisor(SupervisorOptions options, IProxyDriver driver, TimeProvider clock, TextWriter log)
{
    private readonly Lock _lock = new();
    private readonly VersionStore _store = new(options.RuntimeDirectory, options.ConfigMountPath, driver.ConfigKey);
    private SidecarReport _report = new(driver.Proxy, SidecarState.Starting, null, null, null, 0, null, null);
    private long _rejected;
    private bool _stopping;
    private MountedVersion? _running;
    private string? _runningDirectory;

    /// <summary>What <c>/status</c> returns now. A proxy that died is reported at once, not when the supervisor next looks.</summary>
    public SidecarReport Report
    {
        get
        {
            lock (_lock)
            {
                return _report.State == SidecarState.Serving && !driver.IsRunning ? _report with { State = SidecarState.Failed } : _report;
            }
        }
    }

    /// <summary>Mounted versions refused since start.</summary>
    public long RejectedConfigs => Interlocked.Read(ref _rejected);

    /// <summary>Ready: a checked version is loaded, the proxy runs it, and no shutdown has begun.</summary>
    public bool IsReady
    {
        get
        {
            lock (_lock)
            {
                return !_stopping && _report.State == SidecarState.Serving && driver.IsRunning;
            }
        }
    }

    /// <summary>Watches the mount and applies each new version until <paramref name="stop"/>; then drains and stops the proxy.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var watch = new MountWatch(options.Mount, options.RecheckInterval);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await ApplyNewestAsync(stop).ConfigureAwait(false);
                await watch.WaitAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await ShutDownAsync().ConfigureAwait(false);
    }

    private async Task ApplyNewestAsync(CancellationToken cancellationToken)
    {
        if (_running is not null && !driver.IsRunning)
        {
            await RestartCrashedAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (_running is not null && Report.State == SidecarState.Failed && await AcceptsAsync(_running, cancellationToken).ConfigureAwait(false))
        {
            // Loaded earlier but not accepting then (ports slow to free up): it accepts now.
            Update(r => r with { State = SidecarState.Serving });
        }

        if (MountReader.TryRead(options.Mount) is not { Files.Count: > 0 } mounted)
        {
            return;
        }

        var report = Report;
        if (mounted.Hash == report.ServedContentHash && driver.IsRunning)
        {
            // Back to what is served (a bad change was reverted): nothing is rejected any more.
            Update(r => r with { RejectedContentHash = null, RejectedError = null });
            return;
        }

        if (mounted.Hash == report.RejectedContentHash)
        {
            return;
        }

        var staged = _store.Stage(mounted, driver.RewrittenKeys);
        if (await driver.CheckAsync(staged, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            Reject(mounted, refused);
            return;
        }

        if (WhyNotBindable(mounted) is { } taken)
        {
            Reject(mounted, taken);
            return;
        }

        _store.Promote(staged);
        var first = _running is null || !driver.IsRunning;
        if (await driver.LoadAsync(_store.Current, _running, mounted, cancellationToken).ConfigureAwait(false) is { } failed)
        {
            if (_runningDirectory is not null)
            {
                _store.Promote(_runningDirectory);
            }

            Reject(mounted, failed);
            if (!driver.IsRunning)
            {
                Update(r => r with { State = _running is null ? SidecarState.Starting : SidecarState.Failed });
            }

            return;
        }

        var accepts = await AcceptsAsync(mounted, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var notAfter = ServedCertificates.EarliestNotAfter(mounted.Files);
        Update(r => r with
        {
            State = accepts ? SidecarState.Serving : SidecarState.Failed,
            ServedContentHash = mounted.Hash,
            RejectedContentHash = null,
            RejectedError = null,
            Reloads = first ? r.Reloads : r.Reloads + 1,
            LastReloadTime = now,
            ServedCertificateNotAfter = notAfter,
        });
        _store.Prune(staged, _runningDirectory);
        _running = mounted;
        _runningDirectory = staged;
        Log($"{(first ? "started" : "reloaded")} {driver.Proxy} on {mounted.Hash}");
    }

    /// <summary>The proxy died under us: start it again on the version it served (<c>current</c> still names it).</summary>
    private async Task RestartCrashedAsync(CancellationToken cancellationToken)
    {
        Update(r => r with { State = SidecarState.Failed });
        Log($"{driver.Proxy} exited; starting it again on {_running!.Hash}");
        if (await driver.LoadAsync(_store.Current, null, _running, cancellationToken).ConfigureAwait(false) is null
            && await AcceptsAsync(_running, cancellationToken).ConfigureAwait(false))
        {
            Update(r => r with { State = SidecarState.Serving });
        }
    }

    /// <summary>Serving means a client can connect: the proxy saying it loaded comes before its workers accept (after a crash
    /// restart, notably). False when nothing accepts within the proxy timeout; true when the config names no listen address.</summary>
    private async Task<bool> AcceptsAsync(MountedVersion version, CancellationToken cancellationToken)
    {
        if (EndpointOf(version) is not { } endpoint)
        {
            return true;
        }

        if (await ListenProbe.AcceptsAsync(endpoint, options.ProxyTimeout, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        Log($"{driver.Proxy} loaded {version.Hash} but accepts no connection on {endpoint.Host}:{endpoint.Port}");
        return false;
    }

    /// <summary>Why the listen address of <paramref name="next"/> cannot be bound, when it is not the one the running proxy holds.</summary>
    private string? WhyNotBindable(MountedVersion next)
    {
        var endpoint = EndpointOf(next);
        return endpoint is null || (driver.IsRunning && _running is not null && EndpointOf(_running) == endpoint) ? null : ListenProbe.WhyNotBindable(endpoint);
    }

    private ListenEndpoint? EndpointOf(MountedVersion version) =>
        version.Files.TryGetValue(driver.ConfigKey, out var config) ? ListenEndpoint.In(driver.ConfigKey, System.Text.Encoding.UTF8.GetString(config)) : null;

    private void Reject(MountedVersion version, string error)
    {
        Interlocked.Increment(ref _rejected);
        var trimmed = error.Length > 4000 ? error[..4000] + "..." : error;
        Update(r => r with { RejectedContentHash = version.Hash, RejectedError = trimmed });
        _store.Prune(_runningDirectory);
        Log($"{driver.Proxy} refused {version.Hash}; still serving {Report.ServedContentHash ?? "nothing"}: {trimmed}");
    }

    private async Task ShutDownAsync()
    {
        lock (_lock)
        {
            _stopping = true;
        }

        Log($"stopping: not ready, {driver.Proxy} keeps serving for {options.ShutdownDelay.TotalSeconds:0} s, then drains for up to {options.DrainTimeout.TotalSeconds:0} s");
        await Task.Delay(options.ShutdownDelay, CancellationToken.None).ConfigureAwait(false);
        await driver.StopAsync(options.DrainTimeout).ConfigureAwait(false);
    }

    private void Update(Func<SidecarReport, SidecarReport> change)
    {
        lock (_lock)
        {
            _report = change(_report);
        }
    }

    private void Log(string message)
    {
        lock (log)
        {
            log.WriteLine($"mtls-sidecar: {message}");
        }
    }
}
