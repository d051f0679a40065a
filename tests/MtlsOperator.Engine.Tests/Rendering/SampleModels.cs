using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Listener models the renderer tests share; values are fixed so rendered bytes are comparable with goldens.</summary>
internal static class SampleModels
{
    public const string Sha1 = "0123456789abcdef0123456789abcdef01234567";
    public const string Sha256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    public static ListenerRenderModel Pinned(params CertificatePin[] pins) => new(
        "payments",
        "agent",
        8443,
        "127.0.0.1",
        8080,
        "/etc/mtls",
        [new ServerCertificateFiles("agent", ["agent.example.com"], "tls.crt", "tls.key")],
        "ca.crt",
        null,
        [],
        pins.Length == 0 ? [new CertificatePin(PinAlgorithm.Sha1, Sha1)] : [.. pins],
        [],
        null);

    /// <summary>Many-to-one rules, CRLs with one CA lacking its own, several SNI certificates and identity forwarding.</summary>
    public static ListenerRenderModel RulesWithSni() => Pinned() with
    {
        Name = "partners",
        ServerCertificates =
        [
            new ServerCertificateFiles("default", ["partners.example.com"], "tls.crt", "tls.key"),
            new ServerCertificateFiles("tenants", ["*.tenants.example.com", "Tenants.Example.com"], "sni-tenants.crt", "sni-tenants.key"),
            new ServerCertificateFiles("legacy", ["PARTNERS.example.com"], "sni-legacy.crt", "sni-legacy.key"),
        ],
        CrlFile = "ca.crl",
        CasWithoutCrl = ["CN=Corp Root,O=Corp"],
        Pins = [],
        Rules =
        [
            new ClientMatchRule("CN=Corp Issuing CA,O=Corp", "CN=*,OU=Partners,O=Corp", null, null),
            new ClientMatchRule(null, "CN=O'Brien\\, Ltd,O=Corp", null, null),
        ],
        ForwardIdentityHeader = "X-Client-Subject",
        ForwardClientCertificate = true,
    };

    /// <summary>spec.paths: /admin for two pinned agents, /api and /api/v1 by rules, partners everywhere else; TLS to the upstream
    /// with a client certificate.</summary>
    public static ListenerRenderModel PathsWithUpstreamTls() => Pinned() with
    {
        Name = "portal",
        UpstreamHost = "app.internal",
        Pins = [],
        Rules = [new ClientMatchRule(null, "CN=*,OU=Partners,O=Corp", null, null)],
        Paths =
        [
            new PathScope("/api", [], [new ClientMatchRule("CN=Corp Issuing CA,O=Corp", null, null, null)]),
            new PathScope("/admin", [new CertificatePin(PinAlgorithm.Sha1, Sha1), new CertificatePin(PinAlgorithm.Sha1, new string('e', 40))], []),
            new PathScope("/api/v1", [new CertificatePin(PinAlgorithm.Sha1, new string('f', 40))], [new ClientMatchRule(null, "CN=*,OU=Ops,O=Corp", null, null)]),
        ],
        UpstreamTls = new UpstreamTlsModel("app.internal", "upstream-ca.crt", "upstream-client.crt", "upstream-client.key"),
    };

    public static ImmutableArray<CertificatePin> BothPins =>
        [new CertificatePin(PinAlgorithm.Sha256, Sha256), new CertificatePin(PinAlgorithm.Sha1, Sha1)];
}
