using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.UpstreamTls;

/// <summary>A listener world with spec.upstreamTls: client trust, a self-signed server certificate, a pinned policy, the app's own
/// TrustBundle <c>app-ca</c> and a Secret <c>proxy-client</c> with the certificate the proxy presents upstream.</summary>
internal sealed class UpstreamTlsWorld
{
    public const string Namespace = "shop";

    private readonly List<IKubernetesObject<V1ObjectMeta>> _objects;

    public UpstreamTlsWorld(string proxy = "haproxy")
    {
        var clients = TestCertificateAuthority.CreateRoot("CN=Clients,O=Test");
        var agent = clients.IssueClient("CN=agent,O=Test");
        ProxyClient = AppRoot.IssueClient("CN=mtls-proxy,O=App");
        Listener = new MtlsListener
        {
            Metadata = Meta("web"),
            Spec = new MtlsListenerSpec
            {
                Proxy = proxy,
                UpstreamHost = "10.0.0.7",
                ServerCertificateRefs = [new ObjectReference { Name = "web" }],
                ClientAuthPolicyRef = new ObjectReference { Name = "policy" },
                UpstreamTls = new UpstreamTlsSpec { TrustBundleRef = new ObjectReference { Name = "app-ca" }, ServerName = "app.internal" },
            },
        };
        _objects =
        [
            Bundle("clients", clients.Certificate),
            Bundle("app-ca", AppRoot.Certificate),
            new ServerCertificate { Metadata = Meta("web"), Spec = new ServerCertificateSpec { Hostnames = ["web.example.com"], SelfSigned = new SelfSignedSpec() } },
            new ClientAuthPolicy
            {
                Metadata = Meta("policy"),
                Spec = new ClientAuthPolicySpec
                {
                    TrustBundleRef = new ObjectReference { Name = "clients" },
                    Pins = [new PinSpec { Sha1 = CertificateFingerprints.Of(agent).Sha1 }],
                },
            },
            Listener,
        ];
        ClientSecret = TlsSecret("proxy-client", ProxyClient);
    }

    public TestCertificateAuthority AppRoot { get; } = TestCertificateAuthority.CreateRoot("CN=App Root,O=App");

    public X509Certificate2 ProxyClient { get; }

    public MtlsListener Listener { get; }

    public UpstreamTlsSpec Tls => Listener.Spec.UpstreamTls!;

    /// <summary>The Secret <c>proxy-client</c>, added to the world by <see cref="WithClientCertificate"/>.</summary>
    public V1Secret ClientSecret { get; set; }

    public UpstreamTlsWorld WithClientCertificate()
    {
        Tls.ClientCertificateSecretRef = new ObjectReference { Name = "proxy-client" };
        _objects.Add(ClientSecret);
        return this;
    }

    public UpstreamTlsWorld Without(string kind, string name)
    {
        _objects.RemoveAll(o => o.Kind == kind && o.Metadata.Name == name);
        return this;
    }

    /// <summary>The listener as the operator converges on the world (bootstrap certificate first).</summary>
    public MtlsListenerEvaluation Evaluate()
    {
        var all = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(_objects), DateTimeOffset.UtcNow);
        var status = (MtlsListenerStatus)all.Outcomes.Single(o => o.Resource is MtlsListener).Status;
        return new MtlsListenerEvaluation(status, all.Outputs.OfType<V1Secret>().SingleOrDefault(s => s.Metadata.Name == "web-mtls"));
    }

    public static V1Condition Condition(MtlsListenerEvaluation result, string type) => result.Status.Conditions.Single(c => c.Type == type);

    public static string File(MtlsListenerEvaluation result, string key) => Encoding.UTF8.GetString(result.Output!.Data[key]);

    public static V1Secret TlsSecret(string name, X509Certificate2 certificate, string? key = null) => new()
    {
        ApiVersion = "v1",
        Kind = V1Secret.KubeKind,
        Metadata = Meta(name),
        Type = "kubernetes.io/tls",
        StringData = new Dictionary<string, string> { ["tls.crt"] = PemExport.Certificate(certificate), ["tls.key"] = key ?? PemExport.PrivateKey(certificate) },
    };

    private static TrustBundle Bundle(string name, X509Certificate2 ca) => new()
    {
        Metadata = Meta(name),
        Spec = new TrustBundleSpec { Sources = [new DataSource { Inline = PemExport.Certificate(ca) }] },
    };

    private static V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = Namespace, Generation = 1 };
}
