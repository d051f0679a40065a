using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Tests.Crds;

/// <summary>A status cut by StatusBounds fits the schema the CRD declares, however large the input made it: the API server would
/// refuse the whole status write otherwise, and the operator would retry it forever.</summary>
public sealed class StatusBoundsTests
{
    private static readonly string s_huge = new('x', 70_000);

    [Fact]
    public void An_oversized_trust_bundle_status_fits_its_schema_and_keeps_its_true_count()
    {
        var status = new TrustBundleStatus
        {
            CertificateCount = 3000,
            Certificates = [.. Enumerable.Range(0, 3000).Select(_ => new TrustedCertificateStatus { Role = "Root", Subject = s_huge, Issuer = s_huge, Sha256 = "ab", Source = s_huge })],
            Problems = [.. Enumerable.Range(0, 5000).Select(_ => new Problem { Entry = s_huge, Reason = "Expired", Message = s_huge })],
            Conditions = [Condition()],
            OutputConfigMap = "ca",
        };

        StatusBounds.Clamp(status);

        AssertFits("trustbundles", status);
        Assert.Equal(3000, status.CertificateCount);
        Assert.EndsWith(StatusBounds.Ellipsis, status.Certificates[0].Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_certificate_policy_and_listener_statuses_fit_their_schemas()
    {
        var certificate = new ServerCertificateStatus
        {
            Subject = s_huge, Issuer = s_huge, DnsNames = [.. Enumerable.Repeat(s_huge, 5000)], Chain = [.. Enumerable.Repeat(s_huge, 50)], Conditions = [Condition()],
        };
        var policy = new ClientAuthPolicyStatus
        {
            Pins = [.. Enumerable.Range(0, 2000).Select(_ => new NormalizedPinStatus { Algorithm = "sha256", Value = s_huge, Source = s_huge })],
            Rules = [.. Enumerable.Repeat(s_huge, 500)], Problems = [new Problem { Entry = "spec", Reason = "InvalidRule", Message = s_huge }], Conditions = [Condition()],
        };
        var listener = new MtlsListenerStatus { OutputSecret = "agent-mtls", Conditions = [Condition()] };

        AssertFits("servercertificates", StatusBounds.Clamp(certificate));
        AssertFits("clientauthpolicies", StatusBounds.Clamp(policy));
        AssertFits("mtlslisteners", StatusBounds.Clamp(listener));
    }

    private static V1Condition Condition() => new()
    {
        Type = ConditionTypes.Ready, Status = "False", Reason = "InvalidSpec", Message = s_huge, LastTransitionTime = DateTime.UnixEpoch,
    };

    private static void AssertFits(string plural, object status)
    {
        var schema = SchemaField.In(RepositoryRoot.Combine("crds")).Single(f => f.Crd.StartsWith(plural + ".", StringComparison.Ordinal) && f.Path == "status").Schema;
        var violations = new List<string>();
        Check(JsonNode.Parse(KubernetesJson.Serialize(status)), schema, "status", violations);
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    private static void Check(JsonNode? node, JsonObject schema, string path, List<string> violations)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    if (schema["properties"]?[name] is JsonObject child)
                    {
                        Check(value, child, $"{path}.{name}", violations);
                    }
                }

                break;
            case JsonArray a:
                if (schema["maxItems"] is { } maxItems && a.Count > (long)maxItems)
                {
                    violations.Add($"{path}: {a.Count} items, maxItems {(long)maxItems}");
                }

                foreach (var item in a)
                {
                    Check(item, (JsonObject)schema["items"]!, path + "[]", violations);
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var s) && schema["maxLength"] is { } maxLength && s.Length > (long)maxLength:
                violations.Add($"{path}: {s.Length} characters, maxLength {(long)maxLength}");
                break;
        }
    }
}
