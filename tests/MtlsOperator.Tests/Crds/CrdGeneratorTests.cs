using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Crds;

namespace MtlsOperator.Tests.Crds;

public sealed class CrdGeneratorTests
{
    private static readonly IReadOnlyList<(string FileName, string Yaml)> s_generated = new CrdGenerator().GenerateAll();

    [Fact]
    public void Checked_in_crds_match_the_csharp_types()
    {
        foreach (var (file, yaml) in s_generated)
        {
            var path = RepositoryRoot.Combine("crds", file);
            Assert.True(File.Exists(path), $"crds/{file} is missing; run: dotnet run --project src/MtlsOperator -- crds --out crds --chart charts/mtls-operator");
            Assert.True(File.ReadAllText(path) == yaml,
                $"crds/{file} has drifted from the C# API types; run: dotnet run --project src/MtlsOperator -- crds --out crds --chart charts/mtls-operator, and review the diff");
        }

        var extra = Directory.GetFiles(RepositoryRoot.Combine("crds"), "*.yaml").Select(Path.GetFileName)
            .Except(s_generated.Select(g => g.FileName));
        Assert.Empty(extra);
    }

    [Theory]
    [InlineData("trustbundles")]
    [InlineData("servercertificates")]
    [InlineData("clientauthpolicies")]
    [InlineData("mtlslisteners")]
    public void Every_kind_has_status_subresource_category_and_health_columns(string plural)
    {
        var version = Version(plural);
        Assert.NotNull(version["subresources"]!["status"]);
        Assert.Contains("mtls", Spec(plural)["names"]!["categories"]!.AsArray().Select(c => (string?)c));
        var columns = version["additionalPrinterColumns"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Equal("Ready", columns[0]);
        Assert.Equal("Reason", columns[1]);
        Assert.Equal("Age", columns[^1]);
    }

    [Fact]
    public void Data_source_requires_exactly_one_origin_at_apply_time()
    {
        var source = Version("trustbundles")["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["sources"]!["items"]!;
        var alternatives = source["oneOf"]!.AsArray().Select(a => string.Join(",", a!["required"]!.AsArray().Select(r => (string?)r)));
        Assert.Equal(["inline", "secret", "configMap"], alternatives);
    }

    /// <summary>The short names of the API server's built-in resources (kubectl api-resources on Kubernetes 1.34); one of ours
    /// among them would never be reached by <c>kubectl get</c>, and kubectl warns about it on every call.</summary>
    private static readonly string[] s_builtInShortNames =
    [
        "cs", "cm", "ep", "ev", "limits", "ns", "no", "pvc", "pv", "po", "rc", "quota", "sa", "svc", "crd", "crds", "ds", "deploy",
        "rs", "sts", "hpa", "cj", "csr", "pdb", "psp", "pc", "sc", "netpol", "ing", "ingclass", "eps", "vac", "mwc", "vwc", "vap",
        "vapb", "mwcs", "vwcs", "apisvc", "leases", "lease", "csinodes", "csidrivers",
    ];

    [Fact]
    public void Short_names_are_not_taken_by_built_in_resources()
    {
        foreach (var plural in new[] { "trustbundles", "servercertificates", "clientauthpolicies", "mtlslisteners" })
        {
            var names = Spec(plural)["names"]!["shortNames"]!.AsArray().Select(n => (string)n!).ToList();
            Assert.NotEmpty(names);
            Assert.Empty(names.Intersect(s_builtInShortNames));
        }
    }

    [Fact]
    public void Listener_proxy_is_an_enum_and_ports_are_ranged()
    {
        var spec = Version("mtlslisteners")["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Equal(["Envoy", "HAProxy", "Nginx", "envoy", "haproxy", "nginx"], spec["properties"]!["proxy"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(65535, (long)spec["properties"]!["listenPort"]!["maximum"]!);
        Assert.Equal(8443, (long)spec["properties"]!["listenPort"]!["default"]!);
        Assert.Contains("clientAuthPolicyRef", spec["required"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public void Field_descriptions_come_from_the_xml_docs()
    {
        var spec = Version("servercertificates")["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Contains("wildcards allowed", (string?)spec["properties"]!["hostnames"]!["description"], StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_are_a_map_keyed_by_type()
    {
        var conditions = Version("mtlslisteners")["schema"]!["openAPIV3Schema"]!["properties"]!["status"]!["properties"]!["conditions"]!;
        Assert.Equal("map", (string?)conditions["x-kubernetes-list-type"]);
    }

    private static JsonNode Spec(string plural) =>
        ManifestYaml.ReadDocuments(s_generated.Single(g => g.FileName.StartsWith(plural + ".", StringComparison.Ordinal)).Yaml)[0]["spec"]!;

    private static JsonNode Version(string plural) => Spec(plural)["versions"]![0]!;
}
