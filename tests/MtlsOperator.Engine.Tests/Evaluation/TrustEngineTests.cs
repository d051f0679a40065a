using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class TrustEngineTests
{
    private readonly TestCertificateAuthority _root = TestCertificateAuthority.CreateRoot();

    [Fact]
    public void A_foreign_configmap_holding_the_bundle_output_name_is_a_conflict_and_never_replaced()
    {
        var bundle = TrustBundles.Bundle([TrustBundles.Inline(_root)]);
        var foreign = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "corp-ca", NamespaceProperty = TrustBundles.Namespace } };

        var result = new TrustEngine().Evaluate(bundle, TrustBundles.Context(foreign));

        Assert.Null(result.Output);
        Assert.Null(result.Anchors);
        Assert.Equal("OutputConflict", TrustBundles.Ready(result).Reason);
    }

    [Fact]
    public void The_bundles_own_configmap_is_updated_in_place()
    {
        var bundle = TrustBundles.Bundle([TrustBundles.Inline(_root)]);
        var first = new TrustEngine().Evaluate(bundle, TrustBundles.Context()).Output!;

        var again = new TrustEngine().Evaluate(bundle, TrustBundles.Context(first));

        Assert.NotNull(again.Output);
        Assert.Equal("True", TrustBundles.Ready(again).Status);
    }

    [Fact]
    public void Evaluating_a_snapshot_generates_bootstrap_certificates_before_listeners_use_them()
    {
        var client = _root.IssueClient("CN=agent,O=Test");
        var ns = TrustBundles.Namespace;
        var snapshot = ResourceSnapshot.Of(
        [
            TrustBundles.Bundle([TrustBundles.Inline(_root)]),
            new ServerCertificate
            {
                Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns, Generation = 1 },
                Spec = new ServerCertificateSpec { Hostnames = ["web.example.com"], SelfSigned = new SelfSignedSpec() },
            },
            new ClientAuthPolicy
            {
                Metadata = new V1ObjectMeta { Name = "policy", NamespaceProperty = ns, Generation = 1 },
                Spec = new ClientAuthPolicySpec
                {
                    TrustBundleRef = new ObjectReference { Name = "corp" },
                    Pins = [new PinSpec { Sha1 = CertificateFingerprints.Of(client).Sha1 }],
                },
            },
            new MtlsListener
            {
                Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns, Generation = 1 },
                Spec = new MtlsListenerSpec
                {
                    Proxy = "nginx",
                    ServerCertificateRefs = [new ObjectReference { Name = "web" }],
                    ClientAuthPolicyRef = new ObjectReference { Name = "policy" },
                },
            },
        ]);

        var result = new TrustEngine().EvaluateAll(snapshot, DateTimeOffset.UtcNow);

        Assert.All(result.Outcomes, o => Assert.True(o.Ready.Status == "True", $"{o.Resource.Kind}: {o.Ready.Reason} {o.Ready.Message}"));
        var bootstrap = result.Outputs.OfType<V1Secret>().Single(s => s.Metadata.Name == "web" + ResourceReferences.BootstrapSecretSuffix);
        var output = result.Outputs.OfType<V1Secret>().Single(s => s.Metadata.Name == "web-mtls");
        Assert.Equal(bootstrap.Data["tls.crt"], output.Data["tls.crt"]);
    }
}
