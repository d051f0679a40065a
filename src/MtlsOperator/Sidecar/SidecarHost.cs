namespace MtlsOperator.Sidecar;

/// <summary>The running sidecar: supervisor plus status port, until the stop token (SIGTERM) fires and the proxy has drained.</summary>
internal sealed class SidecarHost(SupervisorOptions options, TimeProvider clock, TextWriter log)
{
    /// <summary>Set once the status port is bound (tests read it when they asked for port 0).</summary>
    public string? StatusUrl { get; private set; }

    public Supervisor? Supervisor { get; private set; }

    public async Task RunAsync(CancellationToken stop)
    {
        using IProxyDriver driver = options.Proxy switch
        {
            "haproxy" => new SignalReloadDriver(SignalReloadProxy.Haproxy, options, log),
            "nginx" => new SignalReloadDriver(SignalReloadProxy.Nginx(options.ResolvConf), options, log),
            "envoy" => new EnvoyDriver(options, log),
            _ => throw new ArgumentException($"unknown proxy {options.Proxy}"),
        };
        var supervisor = new Supervisor(options, driver, clock, log);
        await using var status = await SidecarStatusServer.StartAsync(options.StatusAddress, options.StatusPort, supervisor, stop).ConfigureAwait(false);
        StatusUrl = status.Url;
        Supervisor = supervisor;
        await supervisor.RunAsync(stop).ConfigureAwait(false);
    }
}
