using System.Collections.Immutable;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Listener composition, with the certificate and policy evaluations stubbed so only the listener's own rules are under test.</summary>
public sealed class MtlsListenerEvaluatorTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, ServerIdentity?> _identities = new() { ["web"] = Identity("web", "web.example.com") };
    private ClientAdmission? _admission = Admission(new PinEntry("spec.pins[0]", [new CertificatePin(PinAlgorithm.Sha256, new string('a', 64))]));
    private readonly RecordingRenderer _renderer = new(ProxyFlavor.Haproxy, PinAlgorithm.Sha1, PinAlgorithm.Sha256);

    [Fact]
    public void Output_secret_holds_certificate_key_ca_and_config()
    {
        var result = Evaluate(Listener());

        Assert.Equal(["ca.crt", "haproxy.cfg", "tls.crt", "tls.key"], result.Output!.Data.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("CHAIN web", Encoding.UTF8.GetString(result.Output.Data["tls.crt"]));
        Assert.Equal("True", Ready(result).Status);
        Assert.Equal(3, result.Status.LiveGeneration);
    }

    [Fact]
    public void Output_secret_is_labelled_and_owned_by_the_listener()
    {
        var result = Evaluate(Listener(uid: "uid-1"));

        var meta = result.Output!.Metadata;
        Assert.Equal("agent-mtls", meta.Name);
        Assert.Equal("mtls-operator", meta.Labels[OutputMetadata.ManagedByLabel]);
        Assert.Equal("3", meta.Annotations[OutputMetadata.GenerationAnnotation]);
        var owner = Assert.Single(meta.OwnerReferences);
        Assert.Equal(("MtlsListener", "agent", "uid-1", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
    }

    [Fact]
    public void Crl_is_written_only_when_the_policy_checks_revocation()
    {
        _admission = _admission! with { CrlPem = "CRL", CasWithoutCrl = ["CN=Root"] };

        var result = Evaluate(Listener());

        Assert.Equal("CRL", Encoding.UTF8.GetString(result.Output!.Data["ca.crl"]));
        Assert.Equal("ca.crl", _renderer.LastModel!.CrlFile);
        Assert.Equal(["CN=Root"], _renderer.LastModel.CasWithoutCrl.ToArray());
    }

    [Fact]
    public void Renderer_learns_when_the_crls_can_revoke_client_certificates_only()
    {
        var root = TestPki.TestCertificateAuthority.CreateRoot();
        var issuing = root.CreateIntermediate();
        var bundle = TestPki.PemExport.Certificates([root.Certificate, issuing.Certificate]);
        _admission = _admission! with { CaBundlePem = bundle, CrlPem = issuing.CreateCrlPem(), CasWithoutCrl = ["CN=Test Root CA,O=Test"] };

        Evaluate(Listener());

        Assert.True(_renderer.LastModel!.CrlsRevokeOnlyLeaves);
    }

    [Fact]
    public void Pinned_certificate_is_enforced_by_the_strongest_form_the_proxy_supports()
    {
        _admission = Admission(new PinEntry("spec.pins[0]", [
            new CertificatePin(PinAlgorithm.Sha1, new string('1', 40)),
            new CertificatePin(PinAlgorithm.Sha256, new string('2', 64)),
            new CertificatePin(PinAlgorithm.SpkiSha256, "c3BraQ=="),
        ]));

        Evaluate(Listener());

        Assert.Equal(PinAlgorithm.Sha256, Assert.Single(_renderer.LastModel!.Pins).Algorithm);
    }

    [Fact]
    public void Pin_algorithm_the_proxy_cannot_enforce_is_refused_and_names_the_certificate_alternative()
    {
        var nginxLike = new RecordingRenderer(ProxyFlavor.Nginx, PinAlgorithm.Sha1);

        var result = Evaluate(Listener(proxy: "nginx"), nginxLike);

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.PinNotEnforceable, Ready(result).Reason);
        Assert.Contains("spec.pins[0]", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("spec.pins[].certificate", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(nginxLike.LastModel);
    }

    [Fact]
    public void Renderer_refusal_keeps_the_last_good_output_and_says_which_generation_is_live()
    {
        _renderer.Refusals = ["cannot match uri SANs"];
        var existing = OwnedOutput(generation: 2);

        var result = Evaluate(Listener(), lookup: new Lookup { Secrets = { existing } });

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.PolicyNotEnforceable, Ready(result).Reason);
        Assert.Contains("cannot match uri SANs", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("generation 2", Ready(result).Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Status.LiveGeneration);
    }

    [Fact]
    public void Policy_not_ready_is_reported_with_its_own_reason()
    {
        _admission = null;

        var result = Evaluate(Listener());

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.ClientAuthPolicyNotReady, Ready(result).Reason);
        Assert.Contains("InvalidPin", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_certificate_not_ready_blocks_rendering()
    {
        _identities["web"] = null;

        var result = Evaluate(Listener());

        Assert.Equal(ListenerReasons.ServerCertificateNotReady, Ready(result).Reason);
    }

    [Fact]
    public void Missing_server_certificate_is_named()
    {
        var result = Evaluate(Listener(certificates: ["web", "absent"]));

        Assert.Equal(ListenerReasons.ServerCertificateNotFound, Ready(result).Reason);
        Assert.Contains("absent", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_named_secret_not_owned_by_the_listener_is_a_conflict_and_never_replaced()
    {
        var foreign = new V1Secret { Metadata = new V1ObjectMeta { Name = "agent-mtls", NamespaceProperty = "apps" } };

        var result = Evaluate(Listener(), lookup: new Lookup { Secrets = { foreign } });

        Assert.Null(result.Output);
        Assert.Equal(ListenerReasons.OutputConflict, Ready(result).Reason);
    }

    [Fact]
    public void Reference_to_another_namespace_is_refused()
    {
        var listener = Listener();
        listener.Spec.ClientAuthPolicyRef.Namespace = "other";

        var result = Evaluate(listener);

        Assert.Equal(ListenerReasons.CrossNamespaceReference, Ready(result).Reason);
        Assert.Null(result.Output);
    }

    [Fact]
    public void Additional_certificates_are_written_under_sni_keys_in_spec_order()
    {
        _identities["tenant"] = Identity("tenant", "*.tenant.example.com");

        var result = Evaluate(Listener(certificates: ["web", "tenant"]));

        Assert.Equal("CHAIN tenant", Encoding.UTF8.GetString(result.Output!.Data["sni-tenant.crt"]));
        Assert.Equal(["tls.crt", "sni-tenant.crt"], _renderer.LastModel!.ServerCertificates.Select(c => c.CertificateFile));
    }

    [Fact]
    public void A_hostname_served_by_two_certificates_is_refused()
    {
        _identities["other"] = Identity("other", "WEB.example.com");

        var result = Evaluate(Listener(certificates: ["web", "other"]));

        Assert.Equal(ListenerReasons.DuplicateHostname, Ready(result).Reason);
    }

    [Theory]
    [InlineData("apache")]
    [InlineData("")]
    [InlineData("1")]
    public void Unknown_proxy_flavour_is_refused(string proxy)
    {
        var result = Evaluate(Listener(proxy: proxy));

        Assert.Equal(ListenerReasons.UnknownProxy, Ready(result).Reason);
    }

    [Fact]
    public void Listening_on_the_upstream_port_is_refused()
    {
        var listener = Listener();
        listener.Spec.UpstreamPort = listener.Spec.ListenPort;

        var result = Evaluate(listener);

        Assert.Equal(ListenerReasons.InvalidSpec, Ready(result).Reason);
    }

    [Fact]
    public void Same_input_renders_the_same_bytes()
    {
        var a = Evaluate(Listener()).Output!;
        var b = Evaluate(Listener()).Output!;

        Assert.Equal(a.Data.Keys, b.Data.Keys);
        Assert.All(a.Data, kv => Assert.Equal(kv.Value, b.Data[kv.Key]));
    }

    [Fact]
    public void Unchanged_ready_condition_keeps_its_transition_time()
    {
        var listener = Listener();
        var first = Evaluate(listener);
        listener.Status = first.Status;

        var later = new MtlsListenerEvaluator(EvaluateCertificate, EvaluatePolicy, [_renderer])
            .Evaluate(listener, new EvaluationContext(new Lookup(), s_now.AddHours(1)));

        Assert.Equal(Ready(first).LastTransitionTime, Ready(later).LastTransitionTime);
    }

    private MtlsListenerEvaluation Evaluate(MtlsListener listener, IProxyRenderer? renderer = null, Lookup? lookup = null)
    {
        lookup ??= new Lookup();
        var evaluator = new MtlsListenerEvaluator(EvaluateCertificate, EvaluatePolicy, [renderer ?? _renderer]);
        return evaluator.Evaluate(listener, new EvaluationContext(lookup, s_now));
    }

    private ServerCertificateEvaluation EvaluateCertificate(ServerCertificate certificate, EvaluationContext context)
    {
        Assert.False(context.AllowBootstrapGeneration);
        return new(new ServerCertificateStatus(), _identities.GetValueOrDefault(certificate.Metadata.Name), null, null);
    }

    private ClientAuthPolicyEvaluation EvaluatePolicy(ClientAuthPolicy policy, EvaluationContext context) =>
        new(new ClientAuthPolicyStatus
        {
            Conditions = _admission is null
                ? [new V1Condition { Type = "Ready", Status = "False", Reason = "InvalidPin", Message = "spec.pins[0] is malformed." }]
                : [],
        }, _admission);

    private static V1Condition Ready(MtlsListenerEvaluation result) => result.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready);

    private static ServerIdentity Identity(string name, string host) =>
        new(name, [host], "CHAIN " + name, "KEY " + name, s_now.AddDays(90));

    private static ClientAdmission Admission(params PinEntry[] pins) => new("CA", null, [], [.. pins], [], null);

    private static MtlsListener Listener(string proxy = "haproxy", string[]? certificates = null, string? uid = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "apps", Generation = 3, Uid = uid },
        Spec = new MtlsListenerSpec
        {
            Proxy = proxy,
            ServerCertificateRefs = (certificates ?? ["web"]).Select(c => new ObjectReference { Name = c }).ToList(),
            ClientAuthPolicyRef = new ObjectReference { Name = "policy" },
        },
    };

    private static V1Secret OwnedOutput(long generation) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "agent-mtls",
            NamespaceProperty = "apps",
            Labels = new Dictionary<string, string>
            {
                [OutputMetadata.ManagedByLabel] = OutputMetadata.ManagedByValue,
                [OutputMetadata.OwnerKindLabel] = MtlsListener.KindName,
                [OutputMetadata.OwnerNameLabel] = "agent",
            },
            Annotations = new Dictionary<string, string> { [OutputMetadata.GenerationAnnotation] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
    };

    /// <summary>A renderer that records the model it was given.</summary>
    private sealed class RecordingRenderer(ProxyFlavor flavor, params PinAlgorithm[] supported) : IProxyRenderer
    {
        public ProxyFlavor Flavor => flavor;

        public string ConfigFileName => flavor.ToString().ToLowerInvariant() + ".cfg";

        public IReadOnlySet<PinAlgorithm> SupportedPinAlgorithms { get; } = supported.ToHashSet();

        public IReadOnlyList<string> Refusals { get; set; } = [];

        public ListenerRenderModel? LastModel { get; private set; }

        public IReadOnlyList<string> FindUnenforceable(ListenerRenderModel model) => Refusals;

        public IReadOnlyDictionary<string, string> Render(ListenerRenderModel model)
        {
            LastModel = model;
            return new Dictionary<string, string> { [ConfigFileName] = $"listen {model.ListenPort} pins {model.Pins.Length}" };
        }
    }

    /// <summary>Only what these tests look up.</summary>
    private sealed class Lookup : IResourceLookup
    {
        public List<V1Secret> Secrets { get; } = [];

        public V1Secret? FindSecret(string @namespace, string name) =>
            Secrets.FirstOrDefault(s => s.Metadata.NamespaceProperty == @namespace && s.Metadata.Name == name);

        public V1ConfigMap? FindConfigMap(string @namespace, string name) => null;

        public TrustBundle? FindTrustBundle(string @namespace, string name) => null;

        public ServerCertificate? FindServerCertificate(string @namespace, string name) =>
            name is "web" or "tenant" or "other" ? new ServerCertificate { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace } } : null;

        public ClientAuthPolicy? FindClientAuthPolicy(string @namespace, string name) =>
            name == "policy" ? new ClientAuthPolicy { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace } } : null;
    }
}
