using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>Manifests of the four kinds and the Secrets/ConfigMaps they read, as the JSON a client would apply.</summary>
internal static class Manifests
{
    public const string Group = "mtls-operator.io/v1alpha1";

    public static JsonObject TlsSecret(string ns, string name, X509Certificate2 certificate, string? extraChainPem = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = Meta(ns, name),
        ["type"] = "kubernetes.io/tls",
        ["stringData"] = new JsonObject
        {
            ["tls.crt"] = PemExport.Certificate(certificate) + (extraChainPem ?? ""),
            ["tls.key"] = PemExport.PrivateKey(certificate),
        },
    };

    public static JsonObject CaConfigMap(string ns, string name, params X509Certificate2[] authorities) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Meta(ns, name),
        ["data"] = new JsonObject { ["ca.crt"] = PemExport.Certificates(authorities) },
    };

    /// <summary>A bundle reading <c>ca.crt</c> of a ConfigMap (the namespace of the reference only when given).</summary>
    public static JsonObject BundleFromConfigMap(string ns, string name, string configMap, string? configMapNamespace = null) =>
        Custom("TrustBundle", ns, name, new JsonObject
        {
            ["sources"] = new JsonArray(new JsonObject { ["configMap"] = Reference(configMap, configMapNamespace, "ca.crt") }),
        });

    public static JsonObject InlineBundle(string ns, string name, string pem) =>
        Custom("TrustBundle", ns, name, new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["inline"] = pem }) });

    public static JsonObject ServerCertificate(string ns, string name, string secret, params string[] hostnames) =>
        Custom("ServerCertificate", ns, name, new JsonObject
        {
            ["hostnames"] = new JsonArray([.. hostnames.Select(h => JsonValue.Create(h))]),
            ["secretRef"] = new JsonObject { ["name"] = secret },
        });

    /// <summary>A policy admitting exactly the pinned thumbprints; each pin is (algorithm field, value) as a person would write it.</summary>
    public static JsonObject PinnedPolicy(string ns, string name, string bundle, params (string Algorithm, string Value)[] pins) =>
        Custom("ClientAuthPolicy", ns, name, new JsonObject
        {
            ["trustBundleRef"] = new JsonObject { ["name"] = bundle },
            ["pins"] = new JsonArray([.. pins.Select(p => new JsonObject { [p.Algorithm] = p.Value })]),
        });

    /// <summary>One HAProxy listener <paramref name="name"/> for <c>{name}.example.com</c> with everything it reads: the TLS Secret
    /// <c>{name}-tls</c>, its ServerCertificate, the bundle <c>{name}-ca</c> of <paramref name="root"/> and the policy
    /// <c>{name}-clients</c> pinning one client of it.</summary>
    public static JsonObject[] PinnedListenerWorld(string ns, string name, TestCertificateAuthority root) =>
    [
        TlsSecret(ns, name + "-tls", root.IssueServer(name + ".example.com")),
        InlineBundle(ns, name + "-ca", PemExport.Certificate(root.Certificate)),
        ServerCertificate(ns, name, name + "-tls", name + ".example.com"),
        PinnedPolicy(ns, name + "-clients", name + "-ca", ("sha256", CertificateFingerprints.Of(root.IssueClient()).Sha256)),
        Listener(ns, name, name, name + "-clients"),
    ];

    public static JsonObject Listener(string ns, string name, string certificate, string policy, string proxy = "haproxy", string? policyNamespace = null) =>
        Custom("MtlsListener", ns, name, new JsonObject
        {
            ["proxy"] = proxy,
            ["listenPort"] = 8443,
            ["upstreamPort"] = 8080,
            ["serverCertificateRefs"] = new JsonArray(new JsonObject { ["name"] = certificate }),
            ["clientAuthPolicyRef"] = Reference(policy, policyNamespace),
        });

    private static JsonObject Custom(string kind, string ns, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = Group,
        ["kind"] = kind,
        ["metadata"] = Meta(ns, name),
        ["spec"] = spec,
    };

    private static JsonObject Meta(string ns, string name) => new() { ["name"] = name, ["namespace"] = ns };

    private static JsonObject Reference(string name, string? ns, string? key = null)
    {
        var reference = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            reference["namespace"] = ns;
        }

        if (key is not null)
        {
            reference["key"] = key;
        }

        return reference;
    }
}
