using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Cli;
using MtlsOperator.Tests.Cli;
using MtlsOperator.Tests.Examples;

namespace MtlsOperator.Tests.GitOps;

/// <summary>One resource state a GitOps tool meets, produced by the engine: an example (01 for the four core kinds,
/// 08 for the issuance kinds) with one change, rendered at a fixed moment, the resource of <see cref="Kind"/> picked from the output.</summary>
/// <param name="File">Name of its testdata file beside the kind's health.lua.</param>
/// <param name="Status">The Argo CD health it must get.</param>
/// <param name="Change">What is changed in the example's manifests before rendering.</param>
/// <param name="Afterwards">What the API server changes afterwards (a spec edit the operator has not seen yet).</param>
internal sealed record HealthScenario(string Kind, string File, string Status, Action<List<JsonNode>>? Change = null, Action<JsonNode>? Afterwards = null)
{
    private static readonly DateTimeOffset s_now = new(2027, 1, 4, 9, 30, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> s_names = new()
    {
        ["TrustBundle"] = "agent-clients",
        ["ServerCertificate"] = "build-agent",
        ["ClientAuthPolicy"] = "deploy-controllers-only",
        ["MtlsListener"] = "build-agent",
        ["ClientCertificateAuthority"] = "partner-ca",
        ["IssuedClientCertificate"] = "partner-a",
        ["ClientCertificateRevocation"] = "partner-a-offboarded",
    };

    private static string ExampleOf(string kind) => kind is "ClientCertificateAuthority" or "IssuedClientCertificate" or "ClientCertificateRevocation" ? "09-partner-issued-revoked" : "01-pinned-agent";

    /// <summary>The example's manifests; a revocation's also its offboarding/ folder (applied after the rest).</summary>
    private static IEnumerable<string> FilesOf(string kind)
    {
        var folder = ExampleFolders.PathOf(ExampleOf(kind));
        var files = Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal);
        return kind == "ClientCertificateRevocation" ? files.Concat(Directory.GetFiles(Path.Combine(folder, "offboarding"), "*.yaml").Order(StringComparer.Ordinal)) : files;
    }

    public static IReadOnlyList<string> Kinds { get; } = [.. s_names.Keys];

    /// <summary>Healthy, Degraded (stalled), Progressing (waiting for a reference), Progressing (generation not yet observed) and
    /// Progressing (no status yet), for each kind.</summary>
    public static IEnumerable<HealthScenario> All => Kinds.SelectMany(Of);

    private static IEnumerable<HealthScenario> Of(string kind)
    {
        yield return new(kind, "healthy.yaml", "Healthy");
        yield return kind switch
        {
            "TrustBundle" => new(kind, "degraded_malformedCertificate.yaml", "Degraded",
                docs => Spec(docs, kind)["sources"] = new JsonArray(new JsonObject { ["inline"] = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n" })),
            "ServerCertificate" => new(kind, "degraded_hostnameMismatch.yaml", "Degraded",
                docs => Spec(docs, kind)["hostnames"] = new JsonArray("elsewhere.example.org")),
            "ClientAuthPolicy" => new(kind, "degraded_invalidPin.yaml", "Degraded",
                docs => Spec(docs, kind)["pins"]![0]!["sha256"] = "3f:ff:08:not-a-thumbprint"),
            "ClientCertificateAuthority" => new(kind, "degraded_invalidSpec.yaml", "Degraded",
                docs => Spec(docs, kind)["crl"]!["refreshBeforeHours"] = 200),
            "IssuedClientCertificate" => new(kind, "degraded_invalidSpec.yaml", "Degraded",
                docs => Spec(docs, kind)["subject"] = "CN=partner-*,O=Partner A GmbH"),
            "ClientCertificateRevocation" => new(kind, "degraded_invalidSerial.yaml", "Degraded",
                docs => Spec(docs, kind)["serialNumbers"] = new JsonArray("serial=not-hex")),
            _ => new(kind, "degraded_crossNamespaceReference.yaml", "Degraded",
                docs => Spec(docs, kind)["clientAuthPolicyRef"]!["namespace"] = "another-team"),
        };
        yield return kind switch
        {
            "TrustBundle" => new(kind, "progressing_sourceNotFound.yaml", "Progressing", docs => docs.RemoveAll(d => (string?)d["kind"] == "ConfigMap")),
            "ServerCertificate" => new(kind, "progressing_secretNotFound.yaml", "Progressing", docs => docs.RemoveAll(d => (string?)d["kind"] == "Secret")),
            "ClientAuthPolicy" => new(kind, "progressing_trustBundleNotFound.yaml", "Progressing", docs => Spec(docs, kind)["trustBundleRef"]!["name"] = "synced-later"),
            "ClientCertificateAuthority" => new(kind, "progressing_secretNotFound.yaml", "Progressing",
                docs => docs.RemoveAll(d => (string?)d["kind"] == "Secret" && (string?)d["metadata"]!["name"] == "partner-ca-key")),
            "IssuedClientCertificate" or "ClientCertificateRevocation" => new(kind, "progressing_authorityNotFound.yaml", "Progressing", docs => Spec(docs, kind)["authorityRef"]!["name"] = "synced-later"),
            _ => new(kind, "progressing_serverCertificateNotReady.yaml", "Progressing", docs => docs.RemoveAll(d => (string?)d["kind"] == "Secret")),
        };
        yield return new(kind, "progressing_generationNotObserved.yaml", "Progressing", Afterwards: r => r["metadata"]!["generation"] = 2);
        yield return new(kind, "progressing_noStatus.yaml", "Progressing", Afterwards: r => r.AsObject().Remove("status"));
    }

    /// <summary>The resource as the engine leaves it in this state.</summary>
    public JsonNode Produce()
    {
        var docs = FilesOf(Kind).SelectMany(f => ManifestYaml.ReadDocuments(System.IO.File.ReadAllText(f))).ToList();
        foreach (var resource in docs.Where(d => s_names.ContainsKey((string?)d["kind"] ?? "")))
        {
            resource["metadata"]!["generation"] = 1;
        }

        Change?.Invoke(docs);
        var folder = Directory.CreateTempSubdirectory("health-").FullName;
        try
        {
            System.IO.File.WriteAllText(Path.Combine(folder, "all.yaml"), string.Join("---\n", docs.Select(ManifestYaml.Write)));
            var (_, stdout, stderr) = CliRunner.Run(new FakeTimeProvider(s_now), "render", "-f", folder);
            var produced = ManifestYaml.ReadDocuments(stdout)
                .FirstOrDefault(d => (string?)d["kind"] == Kind && (string?)d["metadata"]?["name"] == s_names[Kind])
                ?? throw new InvalidOperationException($"render printed no {Kind}: {stderr}");
            Afterwards?.Invoke(produced);
            return Kind is "IssuedClientCertificate" or "ClientCertificateRevocation" ? WithoutRandomness(produced) : produced;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>An issued certificate's serial and thumbprint (and so a revocation's serials) are new on every render; the committed testdata holds fixed stand-ins.</summary>
    private static JsonNode WithoutRandomness(JsonNode resource)
    {
        var text = resource.ToJsonString();
        var certificates = resource["status"]?["certificates"]?.AsArray() ?? [];
        for (var i = 0; i < certificates.Count; i++)
        {
            text = text.Replace((string)certificates[i]!["serialNumber"]!, $"7E57{i:D2}" + new string('0', 26), StringComparison.Ordinal);
            if ((string?)certificates[i]!["sha256Thumbprint"] is { } thumbprint)
            {
                text = text.Replace(thumbprint, new string((char)('a' + i), 64), StringComparison.Ordinal);
            }
        }

        return JsonNode.Parse(text)!;
    }

    /// <summary>What Argo CD shows as the message, read from the conditions independently of the Lua script.</summary>
    public static string ExpectedMessage(JsonNode resource, string status)
    {
        string Describe(string type) => resource["status"]!["conditions"]!.AsArray().Where(c => (string?)c!["type"] == type)
            .Select(c => $"{(string?)c!["reason"]}: {(string?)c["message"]}").Single();

        if (resource["status"] is null)
        {
            return "Waiting for the operator to report status";
        }

        var generation = Number(resource["metadata"]?["generation"]);
        var observed = Number(resource["status"]!["observedGeneration"]);
        if (generation is { } g && (observed is null || observed < g))
        {
            return $"Waiting for the operator to evaluate generation {g}";
        }

        return status switch
        {
            "Degraded" => Describe("Stalled"),
            "Progressing" => Describe("Reconciling"),
            _ => (string)resource["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!["message"]!,
        };
    }

    private static long? Number(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode Spec(List<JsonNode> docs, string kind) => docs.Single(d => (string?)d["kind"] == kind)["spec"]!;
}
