using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using static MtlsOperator.ProxyTests.Infrastructure.ListenerScenario;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>The listeners the suite runs, built from <see cref="ProxyPki"/>.</summary>
public static class Scenarios
{
    private static ProxyPki Pki => ProxyPki.Instance;

    public static ServerIdentitySpec DefaultServer => new("api", Pki.DefaultServer, ["api.test"]);

    /// <summary>Pinned agents: SHA-1 pins, a pin given as the certificate, and (HAProxy) a SHA-256 pin. The revoked, expired and
    /// other-CA clients are pinned too, so only revocation, expiry or the chain can refuse them. CRLs of both CAs.</summary>
    public static ListenerScenario Pinned(ProxyKind kind)
    {
        PinEntry[] pins =
        [
            Sha1Pin(Pki.Pinned, 0),
            CertificatePin(Pki.SecondPinned, 1),
            Sha1Pin(Pki.Revoked, 2),
            Sha1Pin(Pki.Expired, 3),
            Sha1Pin(Pki.OtherCaPartner, 4),
        ];
        return new ListenerScenario(
            "pinned",
            [DefaultServer],
            kind == ProxyKind.Haproxy ? [.. pins, Sha256Pin(Pki.Sha256Pinned, 5)] : [.. pins],
            [],
            CheckRevocation: true,
            RootCrlMissing: false,
            IdentityHeader: null);
    }

    /// <summary>Many-to-one: partners of the issuing CA by wildcard subject, one exact subject full of escapes; three server
    /// certificates (default, exact name, wildcard) and identity forwarding.</summary>
    public static ListenerScenario Rules() => new(
        "rules",
        [DefaultServer, new("exact", Pki.ExactServer, ["exact.test"]), new("tenants", Pki.WildcardServer, ["*.tenants.test"])],
        [],
        [
            new ClientMatchRule(DistinguishedName.Format(Pki.ClientIssuing.Certificate.SubjectName), "CN=*,OU=Partners,O=Corp", null, null),
            new ClientMatchRule(null, DistinguishedName.Format(Pki.Tricky.SubjectName), null, null),
        ],
        CheckRevocation: true,
        RootCrlMissing: false,
        IdentityHeader: IdentityHeaderName);

    /// <summary>Revocation checked with a CRL from the issuing CA only: the root has none.</summary>
    public static ListenerScenario MissingRootCrl() => new(
        "rootcrl",
        [DefaultServer],
        [Sha1Pin(Pki.Pinned, 0), Sha1Pin(Pki.Revoked, 1), Sha1Pin(Pki.RootIssued, 2)],
        [],
        CheckRevocation: true,
        RootCrlMissing: true,
        IdentityHeader: null);

    /// <summary>Two pinned agents and no CRL: the starting point of the rotation tests.</summary>
    public static ListenerScenario TwoAgents() => new(
        "rotation",
        [DefaultServer],
        [Sha1Pin(Pki.Pinned, 0), Sha1Pin(Pki.SecondPinned, 1)],
        [],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null);
}
