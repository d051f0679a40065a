using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using TestApiServer;
using TestPki;

namespace MtlsOperator.Bench;

/// <summary>
/// The cluster the benchmark measures: <see cref="Groups"/> namespaces, each with one shared TrustBundle and one shared
/// ClientAuthPolicy (pinned clients), and N listeners spread evenly over them, each with its own ServerCertificate and
/// kubernetes.io/tls Secret. One group's bundle is what the fan-out changes: it has N / Groups dependents.
/// </summary>
internal sealed class BenchWorld
{
    public const int Groups = 10;
    public const string Group = "mtls-operator.io/v1alpha1";

    private readonly TestCertificateAuthority _clientCa = TestCertificateAuthority.CreateRoot("CN=Bench Client Root,O=Bench");
    private readonly TestCertificateAuthority _serverCa = TestCertificateAuthority.CreateRoot("CN=Bench Server Root,O=Bench");
    private readonly X509Certificate2 _client;
    private readonly List<(string Crt, string Key)> _serverPems = [];
    private int _bundleRevision;

    public BenchWorld(int listeners)
    {
        Listeners = listeners;
        _client = _clientCa.IssueClient("CN=bench-client,O=Bench");
        var key = _serverCa.IssueServer("key.bench.example");
        for (var i = 0; i < listeners; i++)
        {
            // One key pair for every listener keeps generation fast; each certificate (name, serial) is its own.
            var certificate = _serverCa.IssueServer(new LeafOptions { DnsNames = [HostOf(i)], KeyOf = key });
            _serverPems.Add((PemExport.Certificate(certificate) + PemExport.Certificate(_serverCa.Certificate), PemExport.PrivateKey(certificate)));
        }
    }

    public int Listeners { get; }

    /// <summary>Every custom resource plus the Secrets they read: 2N + 2 × Groups custom resources.</summary>
    public int CustomResources => (2 * Listeners) + (2 * Groups);

    public static string NamespaceOf(int group) => $"bench-{group}";

    public static string ListenerName(int i) => $"listener-{i:D5}";

    /// <summary>Every object of the world, in the order a GitOps sync would create them.</summary>
    public IEnumerable<(ApiResource Resource, JsonObject Body)> Objects()
    {
        for (var g = 0; g < Groups; g++)
        {
            yield return (MtlsOperatorResources.TrustBundles, Bundle(g, [_clientCa.Certificate]));
            yield return (MtlsOperatorResources.ClientAuthPolicies, Custom("ClientAuthPolicy", NamespaceOf(g), $"policy-{g}", new JsonObject
            {
                ["trustBundleRef"] = new JsonObject { ["name"] = $"bundle-{g}" },
                // HAProxy and nginx match SHA-1 certificate pins, Envoy SHA-256 ones: each group's pin suits its proxy.
                ["pins"] = new JsonArray(ProxyOf(g) == "Envoy"
                    ? new JsonObject { ["sha256"] = _client.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) }
                    : new JsonObject { ["sha1"] = _client.GetCertHashString() }),
            }));
        }

        for (var i = 0; i < Listeners; i++)
        {
            var ns = NamespaceOf(i % Groups);
            yield return (ApiResource.Secrets, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = $"tls-{i:D5}", ["namespace"] = ns },
                ["type"] = "kubernetes.io/tls",
                ["stringData"] = new JsonObject { ["tls.crt"] = _serverPems[i].Crt, ["tls.key"] = _serverPems[i].Key },
            });
            yield return (MtlsOperatorResources.ServerCertificates, Custom("ServerCertificate", ns, $"cert-{i:D5}", new JsonObject
            {
                ["hostnames"] = new JsonArray(HostOf(i)),
                ["secretRef"] = new JsonObject { ["name"] = $"tls-{i:D5}" },
            }));
            yield return (MtlsOperatorResources.MtlsListeners, Custom("MtlsListener", ns, ListenerName(i), new JsonObject
            {
                ["proxy"] = ProxyOf(i % Groups),
                ["listenPort"] = 8443,
                ["upstreamPort"] = 8080,
                ["serverCertificateRefs"] = new JsonArray(new JsonObject { ["name"] = $"cert-{i:D5}" }),
                ["clientAuthPolicyRef"] = new JsonObject { ["name"] = $"policy-{i % Groups}" },
            }));
        }
    }

    /// <summary>Writes every object of the world through the server's out-of-band writer (not journaled).</summary>
    public void Seed(TestKubeApiServer server)
    {
        foreach (var (resource, body) in Objects())
        {
            server.OutOfBand.Create(resource, (string)body["metadata"]!["namespace"]!, body);
        }
    }

    /// <summary>The next version of group 0's bundle: one more root each time, so every dependent output must change.</summary>
    public JsonObject NextBundleOfGroupZero()
    {
        _bundleRevision++;
        var extra = Enumerable.Range(0, _bundleRevision).Select(r => TestCertificateAuthority.CreateRoot($"CN=Bench Extra Root {r},O=Bench").Certificate);
        return Bundle(0, [_clientCa.Certificate, .. extra]);
    }

    private static JsonObject Bundle(int group, IEnumerable<X509Certificate2> roots) =>
        Custom("TrustBundle", NamespaceOf(group), $"bundle-{group}", new JsonObject
        {
            ["sources"] = new JsonArray(new JsonObject { ["inline"] = PemExport.Certificates(roots) }),
        });

    /// <summary>Groups alternate HAProxy, nginx and Envoy listeners.</summary>
    private static string ProxyOf(int group) => (group % 3) switch { 0 => "HAProxy", 1 => "Nginx", _ => "Envoy" };

    private static string HostOf(int i) => $"l{i}.bench.example";

    private static JsonObject Custom(string kind, string ns, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = Group,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = spec,
    };
}
