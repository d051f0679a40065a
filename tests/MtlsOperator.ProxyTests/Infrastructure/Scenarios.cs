using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

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
        ScenarioPin[] pins =
        [
            new(PinForm.Sha1, Pki.Pinned),
            new(PinForm.Certificate, Pki.SecondPinned),
            new(PinForm.Certificate, Pki.SecondPinnedRenewed),
            new(PinForm.Sha1, Pki.Revoked),
            new(PinForm.Sha1, Pki.Expired),
            new(PinForm.Sha1, Pki.OtherCaPartner),
        ];
        return new ListenerScenario(
            "pinned",
            [DefaultServer],
            kind == ProxyKind.Haproxy ? [.. pins, new(PinForm.Sha256, Pki.Sha256Pinned)] : [.. pins],
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
            new ClientMatchRule(null, $@"CN=\*,OU={ProxyPki.LiteralStarUnits[0]},O=Corp", null, null),
            new ClientMatchRule(null, $@"CN=\2A,OU={ProxyPki.LiteralStarUnits[1]},O=Corp", null, null),
            new ClientMatchRule(null, $"CN=\"*\",OU={ProxyPki.LiteralStarUnits[2]},O=Corp", null, null),
        ],
        CheckRevocation: true,
        RootCrlMissing: false,
        IdentityHeader: ListenerScenario.IdentityHeaderName)
    {
        ForwardClientCertificate = true,
    };

    /// <summary>The partner rule (issuer: the Corp Issuing CA) with a partner's root in the bundle too; no CRLs.</summary>
    public static ListenerScenario PartnerRootInBundle(string partnerRootPem) => new(
        "binding",
        [DefaultServer],
        [],
        [new ClientMatchRule(DistinguishedName.Format(Pki.ClientIssuing.Certificate.SubjectName), "CN=*,OU=Partners,O=Corp", null, null)],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null)
    {
        ExtraBundlePem = partnerRootPem,
    };

    /// <summary>Revocation checked with a CRL from the issuing CA only: the root has none.</summary>
    public static ListenerScenario MissingRootCrl() => new(
        "rootcrl",
        [DefaultServer],
        [new(PinForm.Sha1, Pki.Pinned), new(PinForm.Sha1, Pki.Revoked), new(PinForm.Sha1, Pki.RootIssued)],
        [],
        CheckRevocation: true,
        RootCrlMissing: true,
        IdentityHeader: null);

    /// <summary>Two pinned agents and no CRL: the starting point of the rotation tests.</summary>
    public static ListenerScenario TwoAgents() => new(
        "rotation",
        [DefaultServer],
        [new(PinForm.Sha1, Pki.Pinned), new(PinForm.Sha1, Pki.SecondPinned)],
        [],
        CheckRevocation: false,
        RootCrlMissing: false,
        IdentityHeader: null);
}
