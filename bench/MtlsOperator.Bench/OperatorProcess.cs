using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MtlsOperator.Bench;

/// <summary>The operator as its own process (<c>mtls-operator run</c>), with what the kernel and its /metrics say about it.</summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Process _process;
    private readonly int _metricsPort;
    private long _peakRssSampled;

    private OperatorProcess(Process process, int metricsPort, DateTime started)
    {
        _process = process;
        _metricsPort = metricsPort;
        Started = started;
    }

    public DateTime Started { get; }

    public int Id => _process.Id;

    /// <summary>Starts <c>dotnet MtlsOperator.dll run</c> against <paramref name="kubeconfig"/>, logging to <paramref name="log"/>.</summary>
    public static OperatorProcess Start(string operatorDll, string kubeconfig, string log, int workers, TimeSpan resync, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var args = string.Join(' ',
            "exec", Launcher(operatorDll), "run", "--kubeconfig", Quote(kubeconfig), "--leader-elect false",
            "--health-port", port.ToString(CultureInfo.InvariantCulture), "--workers", workers.ToString(CultureInfo.InvariantCulture),
            "--resync-period", ((int)resync.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
            ">", Quote(log), "2>&1");
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(args);
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var started = DateTime.UtcNow;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the operator");
        return new OperatorProcess(process, port, started);
    }

    /// <summary>How to start the published operator: <c>dotnet app.dll</c>, or its own executable when it was published
    /// self-contained (its runtimeconfig names the frameworks it includes, which the shared <c>dotnet</c> will not run).</summary>
    private static string Launcher(string operatorDll)
    {
        var runtimeConfig = Path.ChangeExtension(operatorDll, ".runtimeconfig.json");
        var apphost = Path.ChangeExtension(operatorDll, null);
        return File.Exists(runtimeConfig) && File.ReadAllText(runtimeConfig).Contains("\"includedFrameworks\"", StringComparison.Ordinal) && File.Exists(apphost)
            ? Quote(apphost)
            : "dotnet " + Quote(operatorDll);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>User + system CPU seconds so far (from /proc/PID/stat).</summary>
    public double CpuSeconds
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name, in clock ticks.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
    }

    /// <summary>Resident set size now, in bytes.</summary>
    public long Rss => StatusField("VmRSS:");

    /// <summary>The highest resident set size the kernel saw (VmHWM), in bytes.</summary>
    public long PeakRss => Math.Max(StatusField("VmHWM:"), _peakRssSampled);

    public void Sample() => _peakRssSampled = Math.Max(_peakRssSampled, Rss);

    /// <summary>The families the bench reads while it waits: asking for them only keeps the operator from rendering every resource's
    /// series once a second for a poller that reads three numbers (a Prometheus scrape every 15-30 s is the realistic load).</summary>
    private const string PolledFamilies = "?family=mtls_operator_workqueue_depth&family=mtls_operator_reconcile_retrying&family=mtls_operator_reconcile_total&family=dotnet_gc_last_collection_heap_size_bytes"
        + "&family=mtls_operator_evaluations_total&family=mtls_operator_reconcile_converged_total"
        + "&family=dotnet_gc_pause_time_seconds_total&family=dotnet_jit_compilation_time_seconds_total&family=dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The /metrics text of the families the bench polls (everything with <paramref name="full"/>), or null while the endpoint is not up.</summary>
    public async Task<Metrics?> ScrapeAsync(bool full = false)
    {
        try
        {
            return new Metrics(await s_http.GetStringAsync(new Uri($"http://127.0.0.1:{_metricsPort}/metrics{(full ? "" : PolledFamilies)}")));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGTERM, as the kubelet stops a pod, then waits for the process to end.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private long StatusField(string name)
    {
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>A Prometheus text scrape, summed by metric name.</summary>
internal sealed class Metrics(string text)
{
    /// <summary>Lines of the exposition text (series, HELP and TYPE).</summary>
    public int Lines => text.Count(c => c == '\n');

    /// <summary>The sum of every series of <paramref name="name"/> (exact name) whose labels include each of <paramref name="labels"/>
    /// (written as in the exposition, e.g. <c>result="evaluated"</c>).</summary>
    public double Sum(string name, params string[] labels)
    {
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && (line[name.Length] == '{' || line[name.Length] == ' ')
                && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                // name{labels} value [timestamp]
                var end = line[name.Length] == '{' ? line.IndexOf('}', StringComparison.Ordinal) + 1 : name.Length;
                var value = line[end..].Trim().Split(' ')[0];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    total += v;
                }
            }
        }

        return total;
    }

    public string Text => text;
}
