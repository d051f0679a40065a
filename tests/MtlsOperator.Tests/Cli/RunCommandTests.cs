using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MtlsOperator.Cli;
using MtlsOperator.Tests.Controller;
using TestPki;

namespace MtlsOperator.Tests.Cli;

/// <summary><c>run</c> as its own process, as the Deployment starts it: what it logs, and how it refuses bad flags.</summary>
public sealed class RunCommandTests
{
    private const string Ns = "logged";

    [Fact]
    public async Task Run_logs_one_json_object_per_line_with_a_utc_timestamp_the_level_and_the_reconcile_trace_id()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var kubeconfig = await KubeconfigAsync(fx);
        var root = TestCertificateAuthority.CreateRoot("CN=Logged Root,O=Test");
        await fx.ApplyAsync(Manifests.PinnedListenerWorld(Ns, "logged", root));
        var received = new ConcurrentQueue<string>();
        using var process = Start(received, "run", "--kubeconfig", kubeconfig, "--leader-elect", "false", "--health-port", "0", "--log-level", "debug");
        string[] lines;
        try
        {
            await OperatorFixture.Eventually(() => Task.FromResult(received.Any(l => l.Contains("MtlsListener logged/logged: Ready=True", StringComparison.Ordinal))),
                "the listener's Ready line in the operator's log", TimeSpan.FromSeconds(90));
            // The lines the running process wrote, each ended by its newline; the kill below can cut the one being written short,
            // and the pipe then hands that fragment over as a last line.
            lines = [.. received];
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(kubeconfig);
        }

        Assert.All(lines, line =>
        {
            using var entry = JsonDocument.Parse(line);
            var timestamp = entry.RootElement.GetProperty("Timestamp").GetString()!;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", timestamp);
            Assert.InRange(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.Contains(entry.RootElement.GetProperty("LogLevel").GetString(), (string[])["Trace", "Debug", "Information", "Warning", "Error", "Critical"]);
        });
        var ready = JsonDocument.Parse(lines.First(l => l.Contains("MtlsListener logged/logged: Ready=True", StringComparison.Ordinal))).RootElement;
        var traceId = ready.GetProperty("Scopes").EnumerateArray().Select(s => s.TryGetProperty("TraceId", out var t) ? t.GetString() : null).FirstOrDefault(t => t is not null);
        Assert.Matches("^[0-9a-f]{32}$", traceId);
    }

    [Fact]
    public async Task Run_keeps_its_requests_within_the_client_side_limit_it_is_given()
    {
        const double qps = 5;
        const int burst = 5;
        await using var fx = await OperatorFixture.StartAsync();
        var kubeconfig = await KubeconfigAsync(fx);
        var root = TestCertificateAuthority.CreateRoot("CN=Paced Root,O=Test");
        var names = Enumerable.Range(0, 6).Select(i => $"paced-{i}").ToList();
        await fx.ApplyAsync(names.SelectMany(n => Manifests.PinnedListenerWorld("paced", n, root)), "paced");
        var mark = fx.Server.Requests.Mark();
        var received = new ConcurrentQueue<string>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var process = Start(received, "run", "--kubeconfig", kubeconfig, "--leader-elect", "false", "--health-port", "0",
            "--kube-api-qps", "5", "--kube-api-burst", "5");
        IReadOnlyList<TestApiServer.ApiRequestRecord> sent;
        try
        {
            // Waits on the operator's log, not on the server: the test's own reads would be counted with the operator's requests.
            await OperatorFixture.Eventually(() => Task.FromResult(names.All(n => received.Any(l => l.Contains($"MtlsListener paced/{n}: Ready=True", StringComparison.Ordinal)))),
                "every listener's Ready line in the operator's log", TimeSpan.FromSeconds(120));
            sent = fx.Server.Requests.Since(mark);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            File.Delete(kubeconfig);
        }

        // R requests under the limit cannot all have been sent sooner than (R - burst) / qps after the first, which the process
        // sent after it started; the last one's answer comes later still, however the server or the machine delays it. So the
        // bound holds on any machine, and without the limit these ~60 requests are answered within a few seconds of the start.
        var last = System.Diagnostics.Stopwatch.GetElapsedTime(started, sent.Max(r => r.AnsweredAt)).TotalSeconds;
        Assert.True(sent.Count >= 40, $"only {sent.Count} requests: too few to tell a limit from none");
        Assert.True(last >= (sent.Count - burst) / qps, $"{sent.Count} requests answered within {last:F2} s of the start under --kube-api-qps {qps} --kube-api-burst {burst}");
    }

    [Theory]
    [InlineData("--kube-api-qps", "0", "--kube-api-qps must be a number above 0")]
    [InlineData("--kube-api-qps", "fast", "--kube-api-qps must be a number above 0, not fast")]
    [InlineData("--kube-api-burst", "5", "--kube-api-burst needs --kube-api-qps")]
    public void Run_refuses_a_client_side_limit_that_cannot_work(string flag, string value, string message)
    {
        var (exit, _, stderr) = CliRunner.Run("run", flag, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty: it names no cluster, context or user")]
    [InlineData("# only a comment\n", "is empty: it names no cluster, context or user")]
    [InlineData("clusters: [", "is not usable:")]
    [InlineData("current-context: gone\ncontexts: []\n", "is not usable: CurrentContext: gone not found in contexts in kubeconfig")]
    public void Run_refuses_a_kubeconfig_it_cannot_use_saying_why(string text, string message)
    {
        var kubeconfig = Path.GetTempFileName();
        try
        {
            File.WriteAllText(kubeconfig, text);
            var (exit, _, stderr) = CliRunner.Run("run", "--kubeconfig", kubeconfig);

            Assert.Equal(2, exit);
            Assert.Contains($"error: kubeconfig {kubeconfig} {message}", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public void Run_refuses_an_unknown_log_level_naming_the_accepted_ones()
    {
        var (exit, _, stderr) = CliRunner.Run("run", "--log-level", "loud");

        Assert.Equal(2, exit);
        Assert.Contains("--log-level loud is not one of trace, debug, info", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("15s", 15)]
    [InlineData("2m", 120)]
    [InlineData("1m30s", 90)]
    [InlineData("0.5s", 0.5)]
    [InlineData("20", 20)]
    public void Durations_are_written_as_kubernetes_tools_write_them(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Duration.Parse("--lease-duration", text));

    [Theory]
    [InlineData("--lease-duration", "soon", "--lease-duration soon is not a duration")]
    [InlineData("--lease-duration", "0s", "must be more than 0")]
    [InlineData("--retry-period", "20s", "needs --lease-duration (15s) > --renew-deadline (10s) > --retry-period (20s)")]
    public void Run_refuses_lease_timings_that_cannot_work(string flag, string value, string message)
    {
        var (exit, _, stderr) = CliRunner.Run("run", flag, value);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static async Task<string> KubeconfigAsync(OperatorFixture fx)
    {
        var kubeconfig = Path.GetTempFileName();
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"} name: test, cluster: {"{"} server: "{fx.Server.Url}" {"}"} {"}"}]
            users: [{"{"} name: test, user: {"{"} token: test {"}"} {"}"}]
            contexts: [{"{"} name: test, context: {"{"} cluster: test, user: test {"}"} {"}"}]
            current-context: test
            """);
        return kubeconfig;
    }

    /// <summary>Starts <c>mtls-operator</c> from the test's output folder (it is copied there as a project reference).</summary>
    private static Process Start(ConcurrentQueue<string> stdout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mtls-operator.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The child must not inherit an OTLP configuration from the developer's shell.
        info.Environment.Remove("OTEL_TRACES_EXPORTER");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
