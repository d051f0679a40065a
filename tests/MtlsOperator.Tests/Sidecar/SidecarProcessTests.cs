using System.Diagnostics;
using System.Text;
using MtlsOperator.Engine.Serving;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>The sidecar as the container runs it: <c>mtls-operator sidecar</c> as its own process, stopped by SIGTERM.</summary>
public sealed class SidecarProcessTests
{
    private static readonly TimeSpan s_shutdownDelay = TimeSpan.FromSeconds(2);

    [SkippableTheory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public async Task Sigterm_turns_readiness_off_keeps_serving_through_the_shutdown_delay_then_drains_and_exits_zero(ProxyKind kind)
    {
        var missing = ProxyBinary.MissingReason(kind.Binary());
        Skip.If(missing is not null, missing);
        var mount = Directory.CreateTempSubdirectory("mtls-volume-").FullName;
        var runtime = Directory.CreateTempSubdirectory("mtls-sidecar-run-").FullName;
        await using var upstream = EchoUpstream.Start();
        var port = FreePort.Next();
        var name = $"sigterm-{port}";
        var files = CliRender.Files(kind, Scenarios.Pinned(kind), name, mount, port, upstream.Port);
        KubeletSecretVolume.Project(mount, files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value)), DateTime.UtcNow);
        var statusPort = FreePort.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);
        var output = new StringBuilder();
        using var sidecar = Start(output, "sidecar", "--proxy", kind.Binary(), "--mount", mount, "--runtime-dir", runtime, "--status-address", "127.0.0.1",
            "--status-port", statusPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shutdown-delay", s_shutdownDelay.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--drain-timeout", "5");
        try
        {
            await Controller.OperatorFixture.Eventually(async () => await TryStatusAsync(http) is { State: SidecarState.Serving }, $"the sidecar serves; output:\n{output}", TimeSpan.FromSeconds(30));
            Assert.True((await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test")).IsAdmitted);

            using (var kill = Process.Start("kill", ["-TERM", sidecar.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await Controller.OperatorFixture.Eventually(async () => (int)(await http.GetAsync("/readyz")).StatusCode == 503, "readiness fails at once", s_shutdownDelay);
            var duringDelay = await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test");
            Assert.True(duringDelay.IsAdmitted, $"the proxy still serves while endpoints drop the pod: {duringDelay}");

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await sidecar.WaitForExitAsync(exited.Token);
            Assert.Equal(0, sidecar.ExitCode);
            var after = await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test");
            Assert.Equal(ProbeOutcome.ConnectionFailed, after.Outcome);
            Assert.Contains("stopping: not ready", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!sidecar.HasExited)
            {
                sidecar.Kill(entireProcessTree: true);
                await sidecar.WaitForExitAsync();
            }

            Directory.Delete(mount, recursive: true);
            Directory.Delete(runtime, recursive: true);
            foreach (var entry in Directory.EnumerateFileSystemEntries("/tmp", $"mtls-*-{name}-nginx*"))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
    }

    private static Process Start(StringBuilder output, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    private static async Task<SidecarReport?> TryStatusAsync(HttpClient http)
    {
        try
        {
            return SidecarReport.Parse(await http.GetStringAsync("/status"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
