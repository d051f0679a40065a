namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>One running listener shared by the tests of a class (xunit class fixture). When the proxy is not installed nothing
/// starts and <see cref="SkipReason"/> says why; tests skip on it.</summary>
public abstract class ListenerFixture(ProxyKind kind, Func<ListenerScenario> scenario) : IAsyncLifetime
{
    private RunningListener? _listener;

    public ProxyKind Kind => kind;

    public string? SkipReason { get; } = ProxyBinary.MissingReason(kind.Binary());

    public RunningListener Listener => _listener ?? throw new InvalidOperationException(SkipReason ?? "the listener did not start");

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
