namespace MtlsOperator.Sidecar;

/// <summary>How one signal-reloaded proxy is checked, started, reloaded and stopped, and the messages it prints for each.</summary>
/// <param name="Name"><c>haproxy</c> or <c>nginx</c>.</param>
/// <param name="ConfigKey">The key of its config file in the Secret.</param>
/// <param name="RewrittenKeys">Keys that name other keys by path (rewritten to point into each staged copy).</param>
/// <param name="CheckArguments">The command line that checks the config at the given path and exits.</param>
/// <param name="StartArguments">The command line that runs the master in the foreground on the config at the given path.</param>
/// <param name="Loaded">Printed once a (re)loaded config runs.</param>
/// <param name="Failures">Printed when a start or reload failed (the old workers keep serving after a failed reload).</param>
/// <param name="ReloadSignal">Makes the master re-read its config.</param>
/// <param name="OldWorkerStopped">Printed by an old worker once it stopped accepting.</param>
/// <param name="StopSignal">Graceful stop: listeners close, open connections finish.</param>
internal sealed record SignalReloadProxy(
    string Name,
    string ConfigKey,
    IReadOnlyCollection<string> RewrittenKeys,
    Func<string, IReadOnlyList<string>> CheckArguments,
    Func<string, IReadOnlyList<string>> StartArguments,
    string Loaded,
    IReadOnlyList<string> Failures,
    int ReloadSignal,
    string OldWorkerStopped,
    int StopSignal)
{
    /// <summary>The part of a failed check's output that explains it.</summary>
    public Func<string, string> CheckOutput { get; init; } = output => output;

    /// <summary>Writes the run-time files the config at the given path includes; null when done, else why not.</summary>
    public Func<string, string?>? Prepare { get; init; }

    /// <summary>HAProxy in master-worker mode (<c>-W</c>, <c>-db</c>): SIGUSR2 reloads, old workers finish within
    /// <c>hard-stop-after</c>; SIGUSR1 is the soft stop.</summary>
    public static SignalReloadProxy Haproxy { get; } = new(
        "haproxy",
        "haproxy.cfg",
        ["haproxy.cfg", "haproxy.crt-list"],
        config => ["-c", "-f", config],
        config => ["-W", "-db", "-f", config],
        "Loading success.",
        ["Loading failure!"],
        PosixSignals.User2,
        "stopped (cumulated conns",
        PosixSignals.User1)
    {
        // The banner ([NOTICE] version, executable) says nothing about the config.
        CheckOutput = output => string.Join('\n', output.Split('\n').Where(l => !l.Contains("[NOTICE]", StringComparison.Ordinal))),
    };

    /// <summary>nginx (the rendered config says <c>daemon off</c>): SIGHUP reloads, old workers finish within
    /// <c>worker_shutdown_timeout</c>; a config the master cannot apply (a port in use) is logged as <c>[emerg]</c> and the old
    /// workers keep serving; SIGQUIT is the graceful stop. Before each check the resolver file the config includes is written
    /// from <paramref name="resolvConf"/> (<see cref="NginxResolverFile"/>).</summary>
    public static SignalReloadProxy Nginx(string resolvConf) => new(
        "nginx",
        "nginx.conf",
        ["nginx.conf"],
        config => ["-t", "-q", "-e", "stderr", "-c", config],
        config => ["-e", "stderr", "-c", config],
        "start worker processes",
        ["[emerg]"],
        PosixSignals.Hangup,
        "gracefully shutting down",
        PosixSignals.Quit)
    {
        Prepare = config => NginxResolverFile.Write(config, resolvConf),
    };
}
