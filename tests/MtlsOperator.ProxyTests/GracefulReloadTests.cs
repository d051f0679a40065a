using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>Rotation: the operator re-renders into the same mounted Secret and the proxy reloads gracefully (HAProxy: SIGUSR2 to the
/// master; nginx: <c>nginx -s reload</c>). The change takes effect and an admitted client never sees a failed request meanwhile.
/// Each test runs its own proxy, since it changes it.</summary>
public abstract class GracefulReloadTests(ProxyKind kind) : IAsyncLifetime
{
    private readonly string? _skipReason = ProxyBinary.MissingReason(kind.Binary());
    private RunningListener? _listener;

    protected ProxyPki Pki => ProxyPki.Instance;

    private RunningListener Listener
    {
        get
        {
            Skip.If(_skipReason is not null, _skipReason);
            return _listener!;
        }
    }

    public async Task InitializeAsync()
    {
        if (_skipReason is null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            _listener = await RunningListener.StartAsync(kind, Scenarios.TwoAgents(), timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task Renewed_server_certificate_is_served_after_reload_without_a_failed_request()
    {
        var listener = Listener;
        var before = await listener.GetAsync(Pki.Pinned);
        Expect.Admitted(listener, before);
        Assert.Equal(Pki.DefaultServer.Thumbprint, before.ServerCertificate?.Thumbprint);

        await using (var traffic = await SteadyTraffic.StartAsync(listener, Pki.Pinned))
        {
            await listener.RotateAsync(listener.Scenario with { Servers = [new("api", Pki.RenewedServer, ["api.test"])] }, CancellationToken.None);
            await traffic.WaitForMoreAsync(3);
            Assert.True(traffic.Failures.IsEmpty, listener.Explain(traffic.Failures.FirstOrDefault()!));
        }

        var after = await listener.GetAsync(Pki.Pinned);
        Expect.Admitted(listener, after);
        Assert.Equal(Pki.RenewedServer.Thumbprint, after.ServerCertificate?.Thumbprint);
        Assert.True(after.ServerChainTrusted, listener.Explain(after));
    }

    [SkippableFact]
    public async Task Removed_pin_is_refused_after_reload_without_a_failed_request()
    {
        var listener = Listener;
        Expect.Admitted(listener, await listener.GetAsync(Pki.SecondPinned));

        await using (var traffic = await SteadyTraffic.StartAsync(listener, Pki.Pinned))
        {
            await listener.RotateAsync(listener.Scenario with { Pins = [new ScenarioPin(PinForm.Sha1, Pki.Pinned)] }, CancellationToken.None);
            await traffic.WaitForMoreAsync(3);
            Assert.True(traffic.Failures.IsEmpty, listener.Explain(traffic.Failures.FirstOrDefault()!));
        }

        Expect.Forbidden(listener, await listener.GetAsync(Pki.SecondPinned));
        Expect.Admitted(listener, await listener.GetAsync(Pki.Pinned));
    }

    /// <summary>Revocation is checked in full handshakes only: a resumed session from before a reload must not outlive it.
    /// Resumption before the reload shows the probe can tell the difference.</summary>
    [SkippableFact]
    public async Task Tls_sessions_from_before_a_reload_are_not_resumed()
    {
        var listener = Listener;
        Skip.If(ProxyBinary.Find("openssl") is null, "openssl is not installed");
        var dir = Directory.CreateTempSubdirectory("mtls-session-").FullName;
        try
        {
            var session = Path.Combine(dir, "session.pem");
            var first = await OpensslClient.ConnectAsync(listener.Port, Pki.Pinned, "api.test", CancellationToken.None, "-sess_out", session);
            Assert.Contains("New, TLS", first, StringComparison.Ordinal);
            var resumed = await OpensslClient.ConnectAsync(listener.Port, Pki.Pinned, "api.test", CancellationToken.None, "-sess_in", session);
            Assert.Contains("Reused, TLS", resumed, StringComparison.Ordinal);

            await listener.RotateAsync(listener.Scenario, CancellationToken.None);

            var afterReload = await OpensslClient.ConnectAsync(listener.Port, Pki.Pinned, "api.test", CancellationToken.None, "-sess_in", session);
            Assert.Contains("New, TLS", afterReload, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class HaproxyGracefulReloadTests() : GracefulReloadTests(ProxyKind.Haproxy);

public sealed class NginxGracefulReloadTests() : GracefulReloadTests(ProxyKind.Nginx);
