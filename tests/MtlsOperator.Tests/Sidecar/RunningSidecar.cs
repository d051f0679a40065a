using MtlsOperator.Engine.Serving;
using MtlsOperator.Sidecar;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>The real sidecar supervisor, in-process (its proxy is a real child process), over a mounted directory; its status
/// port on loopback, port chosen by the system.</summary>
internal sealed class RunningSidecar : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly SidecarHost _host;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RunningSidecar(SupervisorOptions options)
    {
        RuntimeDirectory = options.RuntimeDirectory;
        _writer = TextWriter.Synchronized(_log);
        _host = new SidecarHost(options, TimeProvider.System, _writer);
        _run = Task.Run(() => _host.RunAsync(_stop.Token));
    }

    private readonly StringWriter _log = new();

    // TextWriter.Synchronized locks the wrapper itself on every write; reading the StringWriter's builder under that same lock
    // is what keeps a log read from racing a write (it threw "chunkLength" out of range once in an assertion message).
    private readonly TextWriter _writer;

    /// <summary>Everything the supervisor and the proxy printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_writer)
            {
                return _log.ToString();
            }
        }
    }

    public string RuntimeDirectory { get; }

    /// <summary>The port of /status (what an injected pod's <c>mtls-status</c> container port names).</summary>
    public int StatusPort => new Uri(_host.StatusUrl!).Port;

    /// <summary>Starts the sidecar; the mount is re-read every <paramref name="recheck"/> (2 s unless given) besides file-system events;
    /// <paramref name="resolvConf"/> plays the pod's /etc/resolv.conf (the machine's unless given).</summary>
    public static async Task<RunningSidecar> StartAsync(string proxy, string mount, string proxyBinary, TimeSpan? recheck = null, string? resolvConf = null)
    {
        var options = new SupervisorOptions(proxy, mount, mount, System.IO.Directory.CreateTempSubdirectory("mtls-sidecar-run-").FullName, proxyBinary)
        {
            StatusAddress = "127.0.0.1",
            StatusPort = 0,
            RecheckInterval = recheck ?? TimeSpan.FromSeconds(2),
            ShutdownDelay = TimeSpan.Zero,
            DrainTimeout = TimeSpan.FromSeconds(5),
        };
        if (resolvConf is not null)
        {
            options = options with { ResolvConf = resolvConf };
        }

        var sidecar = new RunningSidecar(options);
        await Controller.OperatorFixture.Eventually(() => Task.FromResult(sidecar._host.StatusUrl is not null || sidecar._run.IsCompleted), "the status port is bound");
        if (sidecar._run.IsFaulted)
        {
            await sidecar._run;
        }

        return sidecar;
    }

    public async Task<SidecarReport> StatusAsync() =>
        SidecarReport.Parse(await _http.GetStringAsync(_host.StatusUrl + "/status")) ?? throw new InvalidOperationException("no sidecar report");

    public async Task<int> ReadyzAsync() => (int)(await _http.GetAsync(_host.StatusUrl + "/readyz")).StatusCode;

    public Task<string> MetricsAsync() => _http.GetStringAsync(_host.StatusUrl + "/metrics");

    /// <summary>Waits until the report satisfies <paramref name="condition"/>; returns it and how long that took.</summary>
    public async Task<(SidecarReport Report, TimeSpan Took)> WaitAsync(Func<SidecarReport, bool> condition, string what, TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        SidecarReport? last = null;
        while (DateTime.UtcNow - started < timeout)
        {
            last = await StatusAsync();
            if (condition(last))
            {
                return (last, DateTime.UtcNow - started);
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}; last report: {last?.ToJson()}\n--- sidecar log:\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
        _http.Dispose();
        System.IO.Directory.Delete(RuntimeDirectory, recursive: true);
    }
}
