namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>One running listener shared by the tests of a class (xunit class fixture). When the proxy is not installed nothing
/// starts and <see cref="SkipReason"/> says why; tests skip on it.</summary>
public abstract class ListenerFixture(ProxyKind kind, Func<ListenerScenario> scenario) : IAsyncLifetime
{
    private RunningListener? _listener;

    public ProxyKind Kind => kind;

    public string? SkipReason { get; } = ProxyBinary.MissingReason(kind.Binary());

    /// <summary>The running listener; skips the calling test when the proxy is not installed.</summary>
    public RunningListener Listener
    {
        get
        {
            Skip.If(SkipReason is not null, SkipReason);
            return _listener ?? throw new InvalidOperationException("the listener did not start");
        }
    }

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            _listener = await RunningListener.StartAsync(kind, scenario(), timeout.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }
}

public sealed class HaproxyPinnedFixture() : ListenerFixture(ProxyKind.Haproxy, () => Scenarios.Pinned(ProxyKind.Haproxy));

public sealed class NginxPinnedFixture() : ListenerFixture(ProxyKind.Nginx, () => Scenarios.Pinned(ProxyKind.Nginx));

public sealed class HaproxyRulesFixture() : ListenerFixture(ProxyKind.Haproxy, Scenarios.Rules);

public sealed class NginxRulesFixture() : ListenerFixture(ProxyKind.Nginx, Scenarios.Rules);

public sealed class HaproxyMissingRootCrlFixture() : ListenerFixture(ProxyKind.Haproxy, Scenarios.MissingRootCrl);

public sealed class HaproxySniFixture() : ListenerFixture(ProxyKind.Haproxy, Scenarios.Rules);

public sealed class NginxSniFixture() : ListenerFixture(ProxyKind.Nginx, Scenarios.Rules);

public sealed class HaproxyIdentityFixture() : ListenerFixture(ProxyKind.Haproxy, Scenarios.Rules);

public sealed class NginxIdentityFixture() : ListenerFixture(ProxyKind.Nginx, Scenarios.Rules);
