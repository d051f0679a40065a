using System.Security.Cryptography;
using MtlsOperator.Cli;
using TestPki;

namespace MtlsOperator.Tests.Cli;

/// <summary>What <c>render</c> prints: by default a view of each output Secret that is safe in a CI log (files decoded, private
/// keys redacted), the Secret itself only when asked for.</summary>
public sealed class RenderOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-view-").FullName;
    private readonly ListenerManifests _manifests = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void By_default_no_part_of_a_private_key_is_printed_and_each_key_is_named_by_kind_and_size()
    {
        var input = Write(_manifests.Yaml());

        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", input);

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
        foreach (var line in KeyBodyLines(PemExport.PrivateKey(_manifests.Server)))
        {
            Assert.DoesNotContain(line, stdout, StringComparison.Ordinal);
        }

        var secret = ManifestYaml.ReadDocuments(stdout).Single(d => (string?)d["kind"] == "Secret");
        Assert.Null(secret["data"]);
        Assert.Equal($"<redacted: EC private key, {KeyDer(_manifests).Length} bytes>", ((string?)secret[SecretView.FilesField]!["tls.key"])?.TrimEnd());
        Assert.Equal(PemExport.Certificate(_manifests.Server).Trim(), ((string?)secret[SecretView.FilesField]!["tls.crt"])!.Trim());
    }

    [Fact]
    public void Include_private_keys_prints_the_secret_as_the_api_server_stores_it()
    {
        var input = Write(_manifests.Yaml());

        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", input, "--include-private-keys");

        Assert.True(exit == 0, stderr);
        var secret = ManifestYaml.ReadDocuments(stdout).Single(d => (string?)d["kind"] == "Secret");
        Assert.Null(secret[SecretView.FilesField]);
        var key = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["tls.key"]!));
        Assert.Equal(PemExport.PrivateKey(_manifests.Server).Trim(), key.Trim());
    }

    [Fact]
    public void The_view_is_not_a_secret_an_api_server_accepts()
    {
        var (_, stdout, _) = CliRunner.Run("render", "-f", Write(_manifests.Yaml()));

        var secret = ManifestYaml.ReadDocuments(stdout).Single(d => (string?)d["kind"] == "Secret");
        // A Secret has data, stringData, type, immutable and the object fields: "files" is refused by strict field validation.
        Assert.NotNull(secret[SecretView.FilesField]);
        Assert.Contains("# Secret apps/agent-mtls, readable view", stdout, StringComparison.Ordinal);
    }

    private static byte[] KeyDer(ListenerManifests manifests) =>
        Engine.Pki.PemBlock.ReadAll(PemExport.PrivateKey(manifests.Server)).Single().Der.ToArray();

    /// <summary>The base64 lines of a PEM key's body: any one of them in the output would be a leak.</summary>
    internal static IEnumerable<string> KeyBodyLines(string pem) =>
        pem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal) && l.Length > 16);

    private string Write(string content)
    {
        var path = Path.Combine(_dir, "listener.yaml");
        File.WriteAllText(path, content);
        return path;
    }
}
