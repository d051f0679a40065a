using System.Net;
using System.Net.Sockets;
using System.Text;
using MtlsOperator.Engine.Serving;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>The supervisor's own last good version: a version whose listen port another process holds is refused before the proxy
/// is asked to reload onto it, and a proxy that dies is started again on the version it served, never on a refused one still in
/// the mount.</summary>
public sealed class SupervisorRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan s_within = TimeSpan.FromSeconds(20);
    private readonly string? _skipReason = ProxyBinary.MissingReason("haproxy");
    private readonly string _mount = Directory.CreateTempSubdirectory("mtls-volume-").FullName;
    private EchoUpstream? _upstream;

    public Task InitializeAsync()
    {
        _upstream = _skipReason is null ? EchoUpstream.Start() : null;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        Directory.Delete(_mount, recursive: true);
    }

    [SkippableFact]
    public async Task A_version_whose_port_is_taken_is_refused_before_the_reload_and_a_crashed_haproxy_restarts_on_the_last_good_one()
    {
        Skip.If(_skipReason is not null, _skipReason);
        var port = FreePort.Next();
        var good = Project(port);
        await using var sidecar = await RunningSidecar.StartAsync("haproxy", _mount, ProxyBinary.Find("haproxy")!);
        await sidecar.WaitAsync(r => r.State == SidecarState.Serving && r.ServedContentHash == good, "the first version is served", s_within);
        var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);

        // A version whose port is taken passes `haproxy -c` (which binds nothing); a reload onto it would make HAProxy pause the
        // running listeners while it retries the bind (refusing connections), so the supervisor refuses it first.
        using var squatter = new TcpListener(IPAddress.Any, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var unbindable = Project(takenPort);
        var (refused, _) = await sidecar.WaitAsync(r => r.RejectedContentHash == unbindable, "the unbindable version is rejected", s_within);
        Assert.Equal(good, refused.ServedContentHash);
        Assert.Contains($"cannot bind 127.0.0.1:{takenPort}", refused.RejectedError, StringComparison.Ordinal);
        Assert.Equal(0, refused.Reloads);
        Assert.Equal(SidecarState.Serving, refused.State);
        Assert.True((await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test")).IsAdmitted, "the old workers still serve");

        // The proxy dies: it comes back on the version it served, though the mount still holds the refused one.
        var master = Assert.Single(System.Diagnostics.Process.GetProcessesByName("haproxy"), p => IsMasterOf(sidecar, p.Id));
        master.Kill(entireProcessTree: true);
        await master.WaitForExitAsync();
        Assert.NotEqual(SidecarState.Serving, (await sidecar.StatusAsync()).State);
        // Serving after the restart means the new proxy accepts (a TCP connection to the listen port succeeded): the first request
        // from then on is admitted, without retrying.
        var (restarted, _) = await sidecar.WaitAsync(r => r.State == SidecarState.Serving, "haproxy is started again", s_within);
        Assert.Equal(good, restarted.ServedContentHash);
        Assert.Equal(unbindable, restarted.RejectedContentHash);
        var afterRestart = await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test");
        Assert.True(afterRestart.IsAdmitted, $"{afterRestart}\n--- sidecar log:\n{sidecar.Log}");
    }

    [SkippableFact]
    public async Task The_data_link_swap_alone_is_noticed_without_waiting_for_the_periodic_re_read()
    {
        Skip.If(_skipReason is not null, _skipReason);
        var port = FreePort.Next();
        Project(port);
        await using var sidecar = await RunningSidecar.StartAsync("haproxy", _mount, ProxyBinary.Find("haproxy")!, recheck: TimeSpan.FromHours(1));
        await sidecar.WaitAsync(r => r.State == SidecarState.Serving, "the first version is served", s_within);

        var second = Project(port, Scenarios.Pinned(ProxyKind.Haproxy) with { Pins = [new ScenarioPin(PinForm.Sha1, ProxyPki.Instance.SecondPinned)] });

        await sidecar.WaitAsync(r => r.ServedContentHash == second && r.Reloads == 1, "the swapped version is served (file-system event)", s_within);
    }

    private string Project(int port, ListenerScenario? scenario = null)
    {
        var files = CliRender.Files(ProxyKind.Haproxy, scenario ?? Scenarios.Pinned(ProxyKind.Haproxy), "recovery", _mount, port, _upstream!.Port)
            .ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value));
        KubeletSecretVolume.Project(_mount, files, DateTime.UtcNow);
        return OutputContentHash.Of(files);
    }

    /// <summary>The HAProxy master this sidecar started: our child, run on the sidecar's runtime directory.</summary>
    private static bool IsMasterOf(RunningSidecar sidecar, int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var parent = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
            return parent == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && File.ReadAllText($"/proc/{pid}/cmdline").Contains(sidecar.RuntimeDirectory, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
