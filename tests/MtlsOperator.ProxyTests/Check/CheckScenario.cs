using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Check;

/// <summary>The listener <c>check</c> is tested against: two server certificates (default <c>api.test</c>, SNI <c>exact.test</c>),
/// one agent pinned by SHA-1, the Corp CAs as client trust, no CRLs.</summary>
public static class CheckScenario
{
    public static ListenerScenario Create() => new(
        "check",
        [Scenarios.DefaultServer, new ServerIdentitySpec("exact", ProxyPki.Instance.ExactServer, ["exact.test"])],
        [new ScenarioPin(PinForm.Sha1, ProxyPki.Instance.Pinned)],
        [],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null);
}

public sealed class HaproxyCheckFixture() : ListenerFixture(ProxyKind.Haproxy, CheckScenario.Create);

public sealed class NginxCheckFixture() : ListenerFixture(ProxyKind.Nginx, CheckScenario.Create);
