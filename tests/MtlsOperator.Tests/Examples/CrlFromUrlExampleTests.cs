using System.Text.Json.Nodes;
using MtlsOperator.Cli;
using MtlsOperator.Tests.Cli;
using TestPki.CrlServer;

namespace MtlsOperator.Tests.Examples;

/// <summary>examples/08-crl-from-url renders as its README says: offline it is not Ready and says to add --fetch-crls; with the CRLs it
/// publishes served at the URLs, <c>render --fetch-crls</c> is Ready with both CRLs (the url entry and the issuing CA's distribution point).</summary>
public sealed class CrlFromUrlExampleTests : IAsyncDisposable
{
    private const string Name = "08-crl-from-url";
    private readonly string _copy = Directory.CreateTempSubdirectory("example-crl-").FullName;
    private readonly TestCrlServer _server = new();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_copy, recursive: true);
    }

    [Fact]
    public void Offline_the_bundle_waits_for_its_crls_and_says_to_fetch_them()
    {
        var example = RenderedExample.Of(Name);

        Assert.Equal(1, example.Exit);
        var ready = example.Ready("TrustBundle", "field-pki");
        Assert.Equal("CrlNotFetched", (string?)ready["reason"]);
        Assert.Contains("--fetch-crls", (string?)ready["message"], StringComparison.Ordinal);
        Assert.Equal(2, example.Get("TrustBundle", "field-pki")["status"]!["crlFetches"]!.AsArray().Count);
    }

    [Fact]
    public void With_the_published_crls_served_render_fetch_crls_is_ready_and_the_listener_holds_both()
    {
        var folder = ExampleFolders.PathOf(Name);
        _server.Serve("issuing-ca.crl", File.ReadAllBytes(Path.Combine(folder, "crl", "issuing-ca.crl")));
        _server.Serve("root-ca.crl", File.ReadAllBytes(Path.Combine(folder, "crl", "root-ca.crl")));
        // The example's URLs name 127.0.0.1:8380; the test's server listens on a free port. The issuing CA's certificate names the
        // root's CRL at port 8380, so that one is served at the example's port only when free: here both are rewritten in the spec.
        var manifests = File.ReadAllText(Path.Combine(folder, "mtls.yaml")).Replace("http://127.0.0.1:8380/", _server.UrlOf(""), StringComparison.Ordinal)
            .Replace("fetchCrlDistributionPoints: true", "fetchCrlDistributionPoints: false", StringComparison.Ordinal)
            .Replace("    - url: " + _server.UrlOf("issuing-ca.crl"), "    - url: " + _server.UrlOf("issuing-ca.crl") + "\n    - url: " + _server.UrlOf("root-ca.crl"), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_copy, "mtls.yaml"), manifests);
        File.Copy(Path.Combine(folder, "pki-secrets.yaml"), Path.Combine(_copy, "pki-secrets.yaml"));

        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", _copy, "--fetch-crls");

        Assert.True(exit == 0, stderr);
        var documents = ManifestYaml.ReadDocuments(stdout);
        var bundle = documents.Single(d => (string?)d["kind"] == "TrustBundle");
        Assert.Equal(2, bundle["status"]!["crls"]!.AsArray().Count);
        Assert.Equal(1, _server.RequestsFor("issuing-ca.crl"));
        var secret = documents.Single(d => (string?)d["kind"] == "Secret" && (string?)d["metadata"]!["name"] == "telemetry-mtls");
        Assert.Contains("ca.crl", secret.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_issuing_cas_certificate_names_the_roots_crl_the_bundle_fetches_from_its_distribution_point()
    {
        var example = RenderedExample.Of(Name);

        var fetches = example.Get("TrustBundle", "field-pki")["status"]!["crlFetches"]!.AsArray();

        Assert.Contains(fetches, f => (string?)f!["url"] == "http://127.0.0.1:8380/root-ca.crl"
            && ((string?)f["source"])!.StartsWith("crlDistributionPoints of spec.sources[1]", StringComparison.Ordinal));
        Assert.Contains(fetches, f => (string?)f!["url"] == "http://127.0.0.1:8380/issuing-ca.crl" && (string?)f["source"] == "spec.crls[0]");
    }
}
