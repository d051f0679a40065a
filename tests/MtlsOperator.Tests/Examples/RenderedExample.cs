using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Tests.Cli;

namespace MtlsOperator.Tests.Examples;

/// <summary>What <c>render -f examples/NAME/</c> printed, read back as objects: outputs first, then each resource with its status.</summary>
internal sealed class RenderedExample
{
    private static readonly ConcurrentDictionary<string, RenderedExample> s_committed = new(StringComparer.Ordinal);

    private RenderedExample(string folder, int exit, string stderr, IReadOnlyList<JsonNode> documents)
    {
        Folder = folder;
        Exit = exit;
        Stderr = stderr;
        Documents = documents;
    }

    public string Folder { get; }

    public int Exit { get; }

    public string Stderr { get; }

    public IReadOnlyList<JsonNode> Documents { get; }

    /// <summary>The committed example, rendered once per test run (rendering is deterministic apart from timestamps).</summary>
    public static RenderedExample Of(string name) => s_committed.GetOrAdd(name, n => Render(ExampleFolders.PathOf(n)));

    public static RenderedExample Render(string folder)
    {
        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", folder);
        return new RenderedExample(folder, exit, stderr, exit == 2 ? [] : ManifestYaml.ReadDocuments(stdout));
    }

    /// <summary>The documents of one input file of the example, e.g. its generated <c>clientauthpolicy.yaml</c>.</summary>
    public IReadOnlyList<JsonNode> Input(string file) => ManifestYaml.ReadDocuments(File.ReadAllText(Path.Combine(Folder, file)));

    public JsonNode? Find(string kind, string name) =>
        Documents.FirstOrDefault(d => (string?)d["kind"] == kind && (string?)d["metadata"]?["name"] == name);

    public JsonNode Get(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"render printed no {kind} {name}; it printed: {string.Join(", ", Documents.Select(Describe))}");

    /// <summary>The Ready condition in a resource's computed status.</summary>
    public JsonNode Ready(string kind, string name) =>
        Get(kind, name)["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready")
        ?? throw new Xunit.Sdk.XunitException($"{kind} {name} has no Ready condition");

    /// <summary>Every custom resource of the example (the documents that carry a computed status).</summary>
    public IEnumerable<JsonNode> Resources => Documents.Where(d => ((string?)d["apiVersion"])?.StartsWith("mtls-operator.io/", StringComparison.Ordinal) == true);

    /// <summary>The files of an output Secret as render's readable view shows them: decoded, private keys redacted.</summary>
    public IReadOnlyDictionary<string, string> SecretFiles(string name) =>
        (Get("Secret", name)[SecretView.FilesField]?.AsObject() ?? [])
            .ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);

    /// <summary>The certificates of a PEM text, in order.</summary>
    public static IReadOnlyList<X509Certificate2> Certificates(string pem)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(pem);
        return [.. all];
    }

    /// <summary>A note per resource that is not Ready, for assertion messages.</summary>
    public string NotReadySummary() =>
        string.Join("\n", Resources.Where(r => (string?)ReadyOf(r)?["status"] != "True").Select(r => $"{Describe(r)}: {ReadyOf(r)?.ToJsonString()}"))
        + "\nstderr: " + Stderr;

    private static JsonNode? ReadyOf(JsonNode resource) =>
        resource["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready");

    private static string Describe(JsonNode d) => $"{(string?)d["kind"]} {(string?)d["metadata"]?["name"]}";
}
