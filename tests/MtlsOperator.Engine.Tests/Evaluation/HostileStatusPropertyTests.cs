using System.Text.Json.Nodes;
using CsCheck;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>A status is anyone's to write who may write the status subresource; the engine reads one only for what it reported
/// before (condition transition times). So whatever is written there — nulls, duplicates, emptied lists, other words, other numbers —
/// no evaluation fails and nothing served changes: a converged world's outputs and verdicts stay exactly those of its clean statuses.
/// Seeded random edits of the statuses of a bundle, a certificate, a pinning and a rules policy and a listener of each proxy; on failure CsCheck prints the
/// seed, replay with <c>CsCheck_Seed</c>.</summary>
public sealed class HostileStatusPropertyTests
{
    private const string Namespace = "team-a";
    // The certificates below are made when the test runs (valid from a day before), so the engine's clock is the run's too.
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot();
    private static readonly Lazy<(List<IKubernetesObject<V1ObjectMeta>> World, RenderResult Baseline)> s_converged = new(Converge);

    [Fact]
    public void Whatever_is_written_into_the_statuses_of_a_converged_world_no_evaluation_fails_and_nothing_served_changes()
    {
        var (world, baseline) = s_converged.Value;
        var checkedEdits = 0;

        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var edited = world.Select(o => o is IOperatorResource ? WithEditedStatus(o, random) ?? o : o).ToList();
            var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(edited), s_now);

            Assert.Equal(Served(baseline), Served(result));
            Assert.Equal(Verdicts(baseline), Verdicts(result));
            Interlocked.Increment(ref checkedEdits);
        }, iter: 200);

        Assert.Equal(200, checkedEdits);
    }

    // A bundle with an inline root, a certificate from a TLS Secret, a policy pinning one client and admitting a subject rule, and one
    // listener per proxy; then every resource given the status its evaluation wrote and the outputs in the world, as in a cluster.
    private static (List<IKubernetesObject<V1ObjectMeta>>, RenderResult) Converge()
    {
        var leaf = s_root.IssueServer("web.example.com");
        var client = s_root.IssueClient("CN=agent,O=Test");
        List<IKubernetesObject<V1ObjectMeta>> world =
        [
            new TrustBundle
            {
                Metadata = Meta("corp"),
                Spec = new TrustBundleSpec { Sources = [new DataSource { Inline = PemExport.Certificates([s_root.Certificate]) }] },
            },
            new V1Secret
            {
                Metadata = Meta("web-tls"),
                Type = "kubernetes.io/tls",
                Data = new Dictionary<string, byte[]>
                {
                    ["tls.crt"] = System.Text.Encoding.UTF8.GetBytes(PemExport.Certificates([leaf])),
                    ["tls.key"] = System.Text.Encoding.UTF8.GetBytes(PemExport.PrivateKey(leaf)),
                },
            },
            new ServerCertificate
            {
                Metadata = Meta("web"),
                Spec = new ServerCertificateSpec { Hostnames = ["web.example.com"], SecretRef = new ObjectReference { Name = "web-tls" } },
            },
            Policy("pinned", new ClientAuthPolicySpec { Pins = [new PinSpec { Certificate = new DataSource { Inline = PemExport.Certificates([client]) } }] }),
            Policy("by-subject", new ClientAuthPolicySpec { Rules = [new MatchRuleSpec { Subject = "CN=partner-*,O=Test" }] }),
            .. new[] { ("HAProxy", "pinned"), ("Nginx", "pinned"), ("Envoy", "pinned"), ("HAProxy", "by-subject") }.Select(l => new MtlsListener
            {
                Metadata = Meta($"web-{l.Item1.ToLowerInvariant()}-{l.Item2}"),
                Spec = new MtlsListenerSpec
                {
                    Proxy = l.Item1,
                    ServerCertificateRefs = [new ObjectReference { Name = "web" }],
                    ClientAuthPolicyRef = new ObjectReference { Name = l.Item2 },
                },
            }),
        ];

        var first = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(world), s_now);
        Assert.All(first.Outcomes, o => Assert.True(o.Ready.Status == "True", $"{o.Resource.Kind} {o.Resource.Metadata.Name}: {o.Ready.Reason} {o.Ready.Message}"));
        foreach (var outcome in first.Outcomes)
        {
            SetStatus(outcome.Resource, outcome.Status);
        }

        List<IKubernetesObject<V1ObjectMeta>> converged = [.. world, .. first.Outputs];
        return (converged, new TrustEngine().EvaluateAll(ResourceSnapshot.Of(converged), s_now));
    }

    private static ClientAuthPolicy Policy(string name, ClientAuthPolicySpec spec)
    {
        spec.TrustBundleRef = new ObjectReference { Name = "corp" };
        return new ClientAuthPolicy { Metadata = Meta(name), Spec = spec };
    }

    private static V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = Namespace, Generation = 2, Uid = name + "-uid" };

    /// <summary>Every output as kind/name and its data, in a stable order.</summary>
    private static List<string> Served(RenderResult result) =>
    [
        .. result.Outputs.Select(o => o switch
        {
            V1Secret s => $"Secret {s.Metadata.Name}: " + string.Join(";", (s.Data ?? new Dictionary<string, byte[]>()).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + Convert.ToBase64String(d.Value))),
            V1ConfigMap c => $"ConfigMap {c.Metadata.Name}: " + string.Join(";", (c.Data ?? new Dictionary<string, string>()).OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value)),
            _ => o.Kind + " " + o.Metadata.Name,
        }).Order(StringComparer.Ordinal),
    ];

    private static List<string> Verdicts(RenderResult result) =>
        [.. result.Outcomes.Select(o => $"{o.Resource.Kind} {o.Resource.Metadata.Name}: {o.Ready.Status} {o.Ready.Reason} {o.Ready.Message}").Order(StringComparer.Ordinal)];

    /// <summary>A copy of <paramref name="resource"/> whose status is edited at random, keeping each value's JSON type (a type the CRD
    /// schema refuses never reaches the operator); null when the edit does not read back as that kind.</summary>
    private static IKubernetesObject<V1ObjectMeta>? WithEditedStatus(IKubernetesObject<V1ObjectMeta> resource, Random random)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(resource))!.AsObject();
        if (json["status"] is JsonObject status)
        {
            Edit(status, random, depth: 0);
        }

        var text = json.ToJsonString();
        return resource switch
        {
            TrustBundle => KubernetesJson.Deserialize<TrustBundle>(text),
            ServerCertificate => KubernetesJson.Deserialize<ServerCertificate>(text),
            ClientAuthPolicy => KubernetesJson.Deserialize<ClientAuthPolicy>(text),
            MtlsListener => KubernetesJson.Deserialize<MtlsListener>(text),
            _ => null,
        };
    }

    private static void Edit(JsonNode node, Random random, int depth)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    switch (random.Next(8))
                    {
                        case 0:
                            o.Remove(name);
                            break;
                        // Null where the client can read it back (numbers, booleans and times it cannot, as the schema would refuse it).
                        case 1 when o[name] is not JsonValue v || (v.GetValueKind() is System.Text.Json.JsonValueKind.String && !IsTime(v)):
                            o[name] = null;
                            break;
                        default:
                            if (o[name] is JsonValue value)
                            {
                                o[name] = Other(value, random);
                            }
                            else if (o[name] is { } child && depth < 6)
                            {
                                Edit(child, random, depth + 1);
                            }

                            break;
                    }
                }

                break;
            case JsonArray a:
                switch (random.Next(5))
                {
                    case 0:
                        a.Clear();
                        break;
                    case 1 when a.Count > 0:
                        a.Add(a[random.Next(a.Count)]?.DeepClone());
                        break;
                    case 2 when a.Count > 1:
                        var last = a[^1]?.DeepClone();
                        a.RemoveAt(a.Count - 1);
                        a.Insert(0, last);
                        break;
                    case 3:
                        a.Insert(random.Next(a.Count + 1), null);
                        break;
                }

                foreach (var item in a.OfType<JsonNode>().ToList())
                {
                    if (depth < 6 && item is not JsonValue)
                    {
                        Edit(item, random, depth + 1);
                    }
                }

                break;
        }
    }

    private static JsonValue Other(JsonValue value, Random random) => value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.String when IsTime(value) =>
            JsonValue.Create(random.Next(2) == 0 ? "1970-01-01T00:00:00Z" : "2999-12-31T23:59:59Z"),
        System.Text.Json.JsonValueKind.String => JsonValue.Create(random.Next(5) switch
        {
            0 => "",
            1 => new string('x', 10_000),
            2 => "True",
            3 => "Ready",
            _ => "sha256:" + new string('0', 64),
        }),
        System.Text.Json.JsonValueKind.Number => JsonValue.Create(random.Next(3) switch { 0 => -1L, 1 => 0L, _ => int.MaxValue }),
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => JsonValue.Create(random.Next(2) == 0),
        _ => value.DeepClone().AsValue(),
    };

    private static bool IsTime(JsonValue value) =>
        value.GetValueKind() is System.Text.Json.JsonValueKind.String && value.ToString().Length >= 20
        && DateTime.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out _);

    private static void SetStatus(IKubernetesObject<V1ObjectMeta> resource, object status)
    {
        switch (resource)
        {
            case TrustBundle b:
                b.Status = (TrustBundleStatus)status;
                break;
            case ServerCertificate c:
                c.Status = (ServerCertificateStatus)status;
                break;
            case ClientAuthPolicy p:
                p.Status = (ClientAuthPolicyStatus)status;
                break;
            case MtlsListener l:
                l.Status = (MtlsListenerStatus)status;
                break;
        }
    }
}
