using System.Globalization;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using MtlsOperator.Engine.Rendering.Nginx;
using TestPki;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Whatever a resource holds, the engine answers with Ready=False and a reason on it (and on what depends on it), never an exception.</summary>
public sealed class EvaluationGuardTests
{
    private const string Ns = TrustBundles.Namespace;
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot();
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 s_client = s_root.IssueClient("CN=agent,O=Test");

    /// <summary>A renderer that fails the way a bug would.</summary>
    private sealed class ThrowingRenderer : IProxyRenderer
    {
        private readonly NginxRenderer _real = new();

        public ProxyFlavor Flavor => _real.Flavor;

        public string ConfigFileName => _real.ConfigFileName;

        public IReadOnlySet<PinAlgorithm> SupportedPinAlgorithms => _real.SupportedPinAlgorithms;

        public IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model) => [];

        public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model) => throw new InvalidOperationException("renderer bug");
    }

    private static ClientAuthPolicy Policy(List<PinSpec>? pins = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "policy", NamespaceProperty = Ns, Generation = 1 },
        Spec = new ClientAuthPolicySpec
        {
            TrustBundleRef = new ObjectReference { Name = "corp" },
            Pins = pins ?? [new PinSpec { Sha1 = CertificateFingerprints.Of(s_client).Sha1 }],
        },
    };

    private static MtlsListener Listener(string? outputSecretName = null, MtlsListenerStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = Ns, Generation = 4 },
        Spec = new MtlsListenerSpec
        {
            Proxy = "nginx",
            ServerCertificateRefs = [new ObjectReference { Name = "web" }],
            ClientAuthPolicyRef = new ObjectReference { Name = "policy" },
            OutputSecretName = outputSecretName,
        },
        Status = status,
    };

    private static RenderResult Render(TrustEngine engine, params IKubernetesObject<V1ObjectMeta>[] changed)
    {
        List<IKubernetesObject<V1ObjectMeta>> world =
        [
            TrustBundles.Bundle([TrustBundles.Inline(s_root)]),
            new ServerCertificate
            {
                Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = Ns, Generation = 1 },
                Spec = new ServerCertificateSpec { Hostnames = ["web.example.com"], SelfSigned = new SelfSignedSpec() },
            },
            Policy(),
            Listener(),
        ];
        world.RemoveAll(o => changed.Any(c => c.Kind == o.Kind && c.Metadata.Name == o.Metadata.Name));
        return engine.EvaluateAll(ResourceSnapshot.Of([.. world, .. changed]), DateTimeOffset.UtcNow);
    }

    private static V1Condition Ready(RenderResult result, string kind) => result.Outcomes.Single(o => o.Resource.Kind == kind).Ready;

    [Fact]
    public void A_failing_evaluator_gives_Ready_False_with_the_failure_and_keeps_what_the_status_said_was_live()
    {
        var listener = Listener(status: new MtlsListenerStatus { LiveGeneration = 3, OutputSecret = "web-mtls" });

        var result = new TrustEngine([new ThrowingRenderer()]).EvaluateAll(ResourceSnapshot.Of([.. Render(new TrustEngine()).Outcomes.Select(o => o.Resource).Where(r => r.Kind != MtlsListener.KindName), listener]), DateTimeOffset.UtcNow);

        var ready = Ready(result, MtlsListener.KindName);
        Assert.Equal(("False", EvaluationGuard.EvaluationFailed), (ready.Status, ready.Reason));
        Assert.Contains("renderer bug", ready.Message, StringComparison.Ordinal);
        var status = (MtlsListenerStatus)result.Outcomes.Single(o => o.Resource.Kind == MtlsListener.KindName).Status;
        Assert.Equal((3L, "web-mtls", 4L), (status.LiveGeneration!.Value, status.OutputSecret, status.ObservedGeneration!.Value));
        Assert.DoesNotContain(result.Outputs, o => o.Metadata.Name == "web-mtls");
    }

    [Theory]
    [InlineData("TrustBundle")]
    [InlineData("ServerCertificate")]
    [InlineData("ClientAuthPolicy")]
    [InlineData("MtlsListener")]
    public void A_null_spec_is_InvalidSpec_on_that_resource(string kind)
    {
        var json = $$"""{"apiVersion":"{{TrustBundle.GroupVersion}}","kind":"{{kind}}","metadata":{"name":"{{(kind == "TrustBundle" ? "corp" : kind == "ClientAuthPolicy" ? "policy" : "web")}}","namespace":"{{Ns}}"},"spec":null}""";
        IKubernetesObject<V1ObjectMeta> broken = kind switch
        {
            "TrustBundle" => KubernetesJson.Deserialize<TrustBundle>(json),
            "ServerCertificate" => KubernetesJson.Deserialize<ServerCertificate>(json),
            "ClientAuthPolicy" => KubernetesJson.Deserialize<ClientAuthPolicy>(json),
            _ => KubernetesJson.Deserialize<MtlsListener>(json),
        };

        var result = Render(new TrustEngine(), broken);

        var ready = Ready(result, kind);
        Assert.Equal(("False", EvaluationGuard.InvalidSpec), (ready.Status, ready.Reason));
        Assert.Contains("spec is missing", ready.Message, StringComparison.Ordinal);
        Assert.Equal("False", Ready(result, MtlsListener.KindName).Status);
    }

    [Fact]
    public void A_null_pin_names_its_field_and_the_listener_using_the_policy_says_why_it_is_not_ready()
    {
        var result = Render(new TrustEngine(), Policy([null!]));

        Assert.Equal(EvaluationGuard.InvalidSpec, Ready(result, ClientAuthPolicy.KindName).Reason);
        Assert.Contains("spec.pins[0] is empty", Ready(result, ClientAuthPolicy.KindName).Message, StringComparison.Ordinal);
        var listener = Ready(result, MtlsListener.KindName);
        Assert.Equal("False", listener.Status);
        Assert.Contains("policy", listener.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void More_pins_than_the_limit_is_LimitExceeded_naming_the_limit()
    {
        var pins = Enumerable.Range(0, InputLimits.MaxPins + 1).Select(i => new PinSpec { Sha256 = i.ToString("x64", CultureInfo.InvariantCulture) }).ToList();

        var ready = Ready(Render(new TrustEngine(), Policy(pins)), ClientAuthPolicy.KindName);

        Assert.Equal(EvaluationGuard.LimitExceeded, ready.Reason);
        Assert.Contains($"limit of {InputLimits.MaxPins}", ready.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc/owned")]
    [InlineData("/abs")]
    [InlineData("Upper")]
    [InlineData("a/b")]
    public void An_output_secret_name_that_is_not_a_Kubernetes_name_is_InvalidSpec_and_nothing_is_rendered(string name)
    {
        var result = Render(new TrustEngine(), Listener(outputSecretName: name));

        var ready = Ready(result, MtlsListener.KindName);
        Assert.Equal(EvaluationGuard.InvalidSpec, ready.Reason);
        Assert.Contains("spec.outputSecretName", ready.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Outputs, o => o.Metadata.Name == name);
    }
}
