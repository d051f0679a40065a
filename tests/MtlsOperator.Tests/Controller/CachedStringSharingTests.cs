using System.Text.Json.Nodes;
using CsCheck;
using k8s;
using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Controller.Caching;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Tests.Controller;

/// <summary>The cache holds one instance of the text many objects repeat (condition messages, issuers, CA subjects, policy names,
/// Secret keys), and sharing never changes what an object says: each object is read from its own JSON text, as from the API.
/// Random statuses, nulls included, are seeded; on failure CsCheck prints the seed, replay with <c>CsCheck_Seed</c>.</summary>
public sealed class CachedStringSharingTests
{
    private const string Issuer = "CN=Payments Issuing CA,O=Example";

    [Fact]
    public void Certificates_of_one_ca_share_their_condition_messages_issuer_ca_subjects_and_pin_words()
    {
        var form = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true));
        var first = form.Resource(Certificate("web-1"));
        var second = form.Resource(Certificate("web-2"));

        Assert.Same(first.Status!.Conditions[0].Message, second.Status!.Conditions[0].Message);
        Assert.Same(first.Status.Issuer, second.Status.Issuer);
        Assert.Same(first.Status.Chain[1], second.Status.Chain[1]);
        Assert.Same(first.Status.Pins[0].Role, second.Status.Pins[0].Role);
        Assert.Same(first.Status.Pins[0].KeyAlgorithm, second.Status.Pins[0].KeyAlgorithm);
        Assert.NotEqual(first.Status.Chain[0], second.Status.Chain[0]);
    }

    [Fact]
    public void A_certificates_status_repeats_its_spec_and_its_own_subject_as_the_same_instances()
    {
        var form = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true));
        var cached = form.Resource(KubernetesJson.Deserialize<ServerCertificate>("""
            {"apiVersion":"mtls-operator.io/v1alpha1","kind":"ServerCertificate","metadata":{"name":"web","namespace":"apps"},
             "spec":{"hostnames":["web.apps.example","api.apps.example"],"secretRef":{"name":"web-tls"}},
             "status":{"subject":"CN=web.apps.example","chain":["CN=web.apps.example","CN=Root"],"pinsConfigMapName":"web-pins",
              "dnsNames":["api.apps.example","web.apps.example","other.example"]}}
            """));
        var pins = form.ConfigMap(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = new string("web-pins"), NamespaceProperty = "apps" } });

        Assert.Same(cached.Spec.Hostnames[1], cached.Status!.DnsNames[0]);
        Assert.Same(cached.Spec.Hostnames[0], cached.Status.DnsNames[1]);
        Assert.Equal("other.example", cached.Status.DnsNames[2]);
        Assert.Same(cached.Status.Subject, cached.Status.Chain[0]);
        Assert.Same(cached.Status.PinsConfigMapName, pins.Metadata.Name);
    }

    [Fact]
    public void Listeners_of_one_policy_share_its_name_and_their_proxy()
    {
        var form = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true));
        var first = form.Resource(Listener("web-1"));
        var second = form.Resource(Listener("web-2"));

        Assert.Same(first.Spec.ClientAuthPolicyRef.Name, second.Spec.ClientAuthPolicyRef.Name);
        Assert.Same(first.Spec.Proxy, second.Spec.Proxy);
    }

    [Fact]
    public void Tls_secrets_share_their_keys_and_keep_their_data()
    {
        var form = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true));
        var first = form.Secret(TlsSecret("web-1", 1));
        var second = form.Secret(TlsSecret("web-2", 2));

        Assert.Same(first.Data.Keys.Single(k => k == "tls.crt"), second.Data.Keys.Single(k => k == "tls.crt"));
        Assert.Equal([1, 1], first.Data["tls.crt"]);
        Assert.Equal([2, 2], second.Data["tls.key"]);
    }

    [Fact]
    public void A_message_longer_than_the_pool_keeps_stays_each_objects_own_and_a_short_one_is_shared()
    {
        var pool = new StringPool();
        var longText = new string('m', StringPool.MaxLength + 1);
        var shortText = new string('m', StringPool.MaxLength);

        Assert.NotSame(pool.Share(new string(longText)), pool.Share(new string(longText)));
        Assert.Same(pool.Share(new string(shortText)), pool.Share(new string(shortText)));
    }

    [Fact]
    public void Sharing_leaves_every_certificate_status_as_it_was_read_nulls_included()
    {
        string?[] texts = [null, "", Issuer, "CN=Root,O=Example", "Nothing needs a person's attention."];
        var text = Gen.Int[0, texts.Length - 1].Select(i => texts[i]);
        var condition = Gen.Select(text, text).Select(m => (JsonNode)new JsonObject
        {
            ["type"] = "Ready", ["status"] = "True", ["reason"] = m.Item1, ["message"] = m.Item2, ["lastTransitionTime"] = "2026-12-01T10:00:00Z",
        });
        var pin = Gen.Select(text, text).Select(p => (JsonNode)new JsonObject { ["role"] = p.Item1, ["keyAlgorithm"] = p.Item2, ["spkiSha256"] = "x" });
        var subject = text.Where(t => t is not null).Select(t => (JsonNode)JsonValue.Create(t)!);
        Gen<JsonNode?> List(Gen<JsonNode> item) => item.Null(0.2).Array[0, 3].Select(a => (JsonNode)new JsonArray(a)).Null(0.2);
        var status = Gen.Select(text, List(condition), List(subject), List(pin)).Select(s =>
            new JsonObject { ["issuer"] = s.Item1, ["conditions"] = s.Item2, ["chain"] = s.Item3, ["pins"] = s.Item4 });

        status.Sample(s =>
        {
            var json = new JsonObject
            {
                ["apiVersion"] = CustomResource<ServerCertificateSpec, ServerCertificateStatus>.GroupVersion,
                ["kind"] = ServerCertificate.KindName,
                ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "apps" },
                ["spec"] = new JsonObject(),
                ["status"] = s,
            }.ToJsonString();
            var form = new CachedForm(new ReferenceIndex(), new NameTable(() => [], () => true));
            var expected = KubernetesJson.Serialize(KubernetesJson.Deserialize<ServerCertificate>(json));

            form.Resource(KubernetesJson.Deserialize<ServerCertificate>(json));
            var cached = form.Resource(KubernetesJson.Deserialize<ServerCertificate>(json));

            Assert.Equal(expected, KubernetesJson.Serialize(cached));
        });
    }

    private static ServerCertificate Certificate(string name) => KubernetesJson.Deserialize<ServerCertificate>($$$"""
        {"apiVersion":"mtls-operator.io/v1alpha1","kind":"ServerCertificate","metadata":{"name":"{{{name}}}","namespace":"apps"},
         "spec":{"secretRef":{"name":"{{{name}}}-tls"}},
         "status":{"issuer":"{{{Issuer}}}","chain":["CN={{{name}}}.apps.example","{{{Issuer}}}"],
          "pins":[{"role":"Current","keyAlgorithm":"ECDSA-P256","spkiSha256":"{{{name}}}","spkiSha256Hex":"{{{name}}}"}],
          "conditions":[{"type":"Ready","status":"True","reason":"Valid","message":"The certificate is issued by {{{Issuer}}}.","lastTransitionTime":"2026-12-01T10:00:00Z"}]}}
        """);

    private static MtlsListener Listener(string name) => KubernetesJson.Deserialize<MtlsListener>($$$"""
        {"apiVersion":"mtls-operator.io/v1alpha1","kind":"MtlsListener","metadata":{"name":"{{{name}}}","namespace":"apps"},
         "spec":{"proxy":"haproxy","serverCertificateRefs":[{"name":"{{{name}}}"}],"clientAuthPolicyRef":{"name":"partners"} } }
        """);

    private static V1Secret TlsSecret(string name, byte fill) => KubernetesJson.Deserialize<V1Secret>($$$"""
        {"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls","metadata":{"name":"{{{name}}}","namespace":"apps"},
         "data":{"tls.crt":"{{{Convert.ToBase64String([fill, fill])}}}","tls.key":"{{{Convert.ToBase64String([fill, fill])}}}"}}
        """);
}
