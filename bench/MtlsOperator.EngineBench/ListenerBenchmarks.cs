using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Envoy;
using MtlsOperator.Engine.Rendering.Haproxy;
using MtlsOperator.Engine.Rendering.Nginx;
using TestPki;

namespace MtlsOperator.EngineBench;

/// <summary>
/// One listener of the scale benchmark's world, evaluated by the engine alone, and the parts of that work on their own:
/// X.509 parsing of its TLS Secret, chain building, its ServerCertificate and ClientAuthPolicy evaluations, and rendering
/// its proxy config from a ready model. Operations per second are 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class ListenerBenchmarks
{
    private readonly TrustEngine _engine = new();
    private EvaluationContext _context = null!;
    private MtlsListener _listener = null!;
    private ServerCertificate _certificate = null!;
    private ClientAuthPolicy _policy = null!;
    private TrustBundle _bundle = null!;
    private string _chainPem = "";
    private string _keyPem = "";
    private X509Certificate2 _leaf = null!;
    private X509Certificate2 _root = null!;
    private IProxyRenderer _renderer = null!;
    private ListenerRenderModel _model = null!;

    [Params("HAProxy", "Nginx", "Envoy")]
    public string Proxy { get; set; } = "HAProxy";

    [GlobalSetup]
    public void Setup()
    {
        var clientCa = TestCertificateAuthority.CreateRoot("CN=Bench Client Root,O=Bench");
        var serverCa = TestCertificateAuthority.CreateRoot("CN=Bench Server Root,O=Bench");
        var client = clientCa.IssueClient("CN=bench-client,O=Bench");
        _leaf = serverCa.IssueServer("l0.bench.example");
        _root = serverCa.Certificate;
        _chainPem = PemExport.Certificate(_leaf) + PemExport.Certificate(serverCa.Certificate);
        _keyPem = PemExport.PrivateKey(_leaf);
        var pin = Proxy == "Envoy" ? new JsonObject { ["sha256"] = client.GetCertHashString(HashAlgorithmName.SHA256) } : new JsonObject { ["sha1"] = client.GetCertHashString() };

        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "kubernetes.io/tls",
            Metadata = new V1ObjectMeta { Name = "tls-0", NamespaceProperty = "bench", ResourceVersion = "1", Uid = "s" },
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = Encoding.ASCII.GetBytes(_chainPem), ["tls.key"] = Encoding.ASCII.GetBytes(_keyPem) },
        };
        _bundle = Custom<TrustBundle>("TrustBundle", "bundle-0", new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["inline"] = PemExport.Certificate(clientCa.Certificate) }) });
        _policy = Custom<ClientAuthPolicy>("ClientAuthPolicy", "policy-0", new JsonObject { ["trustBundleRef"] = new JsonObject { ["name"] = "bundle-0" }, ["pins"] = new JsonArray(pin) });
        _certificate = Custom<ServerCertificate>("ServerCertificate", "cert-0", new JsonObject
        {
            ["hostnames"] = new JsonArray("l0.bench.example"),
            ["secretRef"] = new JsonObject { ["name"] = "tls-0" },
        });
        _listener = Custom<MtlsListener>("MtlsListener", "listener-0", new JsonObject
        {
            ["proxy"] = Proxy,
            ["listenPort"] = 8443,
            ["upstreamPort"] = 8080,
            ["serverCertificateRefs"] = new JsonArray(new JsonObject { ["name"] = "cert-0" }),
            ["clientAuthPolicyRef"] = new JsonObject { ["name"] = "policy-0" },
        });
        _context = new EvaluationContext(ResourceSnapshot.Of([secret, _bundle, _policy, _certificate, _listener]), DateTimeOffset.UtcNow);
        if (_engine.Evaluate(_listener, _context).Output is null)
        {
            throw new InvalidOperationException("the benchmark listener does not render");
        }

        _renderer = Proxy switch { "HAProxy" => new HaproxyRenderer(), "Nginx" => new NginxRenderer(), _ => new EnvoyRenderer() };
        _model = new ListenerRenderModel(
            "bench", "listener-0", 8443, "127.0.0.1", 8080, "/etc/mtls",
            [new ServerCertificateFiles("cert-0", ["l0.bench.example"], "tls.crt", "tls.key")],
            "ca.crt", null, [],
            [Proxy == "Envoy" ? new CertificatePin(PinAlgorithm.Sha256, client.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant()) : new CertificatePin(PinAlgorithm.Sha1, client.GetCertHashString().ToLowerInvariant())],
            [], null);
    }

    /// <summary>Everything a listener reconcile asks of the engine (it evaluates its certificate and policy, then renders).</summary>
    [Benchmark(Baseline = true)]
    public object ListenerEvaluation() => _engine.Evaluate(_listener, _context);

    /// <summary>X.509 parsing alone: the TLS Secret's certificate chain and private key, as the platform decodes them.</summary>
    [Benchmark]
    public object X509Parsing()
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(_chainPem);
        using var key = ECDsa.Create();
        key.ImportFromPem(_keyPem);
        return chain;
    }

    /// <summary>Chain building alone: the served leaf to its root with X509Chain (custom root trust).</summary>
    [Benchmark]
    public object ChainBuilding() => CertificatePaths.Build(_leaf, [_root], [], DateTimeOffset.UtcNow);

    /// <summary>The listener's ServerCertificate: parse, key match, usages, hostnames, chain.</summary>
    [Benchmark]
    public object ServerCertificateEvaluation() => _engine.Evaluate(_certificate, _context with { AllowBootstrapGeneration = false });

    /// <summary>The shared ClientAuthPolicy with its TrustBundle: bundle parse and classification, pins.</summary>
    [Benchmark]
    public object PolicyEvaluation() => _engine.Evaluate(_policy, _context);

    /// <summary>The shared TrustBundle alone.</summary>
    [Benchmark]
    public object TrustBundleEvaluation() => _engine.Evaluate(_bundle, _context);

    /// <summary>Config rendering alone, from a ready model.</summary>
    [Benchmark]
    public object ConfigRendering() => _renderer.Render(_model);

    private static T Custom<T>(string kind, string name, JsonObject spec) =>
        KubernetesJson.Deserialize<T>(new JsonObject
        {
            ["apiVersion"] = "mtls-operator.io/v1alpha1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "bench", ["uid"] = name, ["resourceVersion"] = "1", ["generation"] = 1 },
            ["spec"] = spec,
        }.ToJsonString());
}
