using MtlsOperator.Cli;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Tests.Cli;

public sealed class RenderCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-").FullName;
    private readonly ListenerManifests _manifests = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Ready_manifests_print_the_output_secret_then_statuses_and_exit_0()
    {
        var input = Write("listener.yaml", _manifests.Yaml());

        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", input);

        Assert.True(exit == 0, stderr);
        var documents = ManifestYaml.ReadDocuments(stdout).ToList();
        var secret = documents.Single(d => (string?)d["kind"] == "Secret");
        Assert.Equal("agent-mtls", (string?)secret["metadata"]!["name"]);
        Assert.Contains("frontend", (string?)secret[SecretView.FilesField]!["haproxy.cfg"], StringComparison.Ordinal);
        var listener = documents.Single(d => (string?)d["kind"] == "MtlsListener");
        Assert.Equal("True", (string?)listener["status"]!["conditions"]![0]!["status"]);
        Assert.True(documents.IndexOf(secret) < documents.IndexOf(listener), "outputs come before statuses");
    }

    [Fact]
    public void A_directory_is_read_like_kubectl_apply_f_and_other_kinds_are_ignored()
    {
        Write("listener.yaml", _manifests.Yaml());
        Write("deployment.yml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec: {}\n");
        Write("notes.txt", "not a manifest");

        var (exit, _, stderr) = CliRunner.Run("render", "-f", _dir);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public void Out_writes_each_secret_key_as_a_file_like_a_mounted_secret()
    {
        var input = Write("listener.yaml", _manifests.Yaml());
        var outDir = Path.Combine(_dir, "out");

        var (exit, stdout, _) = CliRunner.Run("render", "-f", input, "--out", outDir);

        Assert.Equal(0, exit);
        Assert.Empty(stdout);
        var files = Directory.GetFiles(Path.Combine(outDir, "apps", "agent-mtls")).Select(Path.GetFileName).ToList();
        Assert.Subset(files.ToHashSet(), new HashSet<string?> { "ca.crt", "haproxy.cfg", "tls.crt", "tls.key" });
        Assert.Equal(ServerKeyPem(_manifests), File.ReadAllText(Path.Combine(outDir, "apps", "agent-mtls", "tls.key")).Trim());
    }

    [Fact]
    public void Mount_path_template_points_the_config_at_the_written_files()
    {
        var input = Write("listener.yaml", _manifests.Yaml());
        var outDir = Path.Combine(_dir, "out");

        CliRunner.Run("render", "-f", input, "--out", outDir, "--mount-path", outDir + "/{namespace}/{secret}");

        var config = File.ReadAllText(Path.Combine(outDir, "apps", "agent-mtls", "haproxy.cfg"));
        Assert.Contains(Path.Combine(outDir, "apps", "agent-mtls", "ca.crt"), config, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc/mtls/", config, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_that_is_not_ready_exits_1_with_one_line_per_problem()
    {
        _manifests.Pin = "sha256: \"not-a-thumbprint\"";
        var input = Write("listener.yaml", _manifests.Yaml());

        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", input);

        Assert.Equal(1, exit);
        Assert.Contains("ClientAuthPolicy apps/controller-only:", stderr, StringComparison.Ordinal);
        Assert.Contains("MtlsListener apps/agent: ClientAuthPolicyNotReady", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(ManifestYaml.ReadDocuments(stdout), d => (string?)d["kind"] == "Secret" && (string?)d["metadata"]!["name"] == "agent-mtls");
    }

    [Fact]
    public void A_pin_nginx_cannot_enforce_is_refused_not_dropped()
    {
        var manifests = new ListenerManifests("Nginx");
        var input = Write("listener.yaml", manifests.Yaml());

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input);

        Assert.Equal(1, exit);
        Assert.Contains("PinNotEnforceable", stderr, StringComparison.Ordinal);
        Assert.Contains("spec.pins[].certificate", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_path_exits_2()
    {
        var (exit, _, stderr) = CliRunner.Run("render", "-f", Path.Combine(_dir, "absent.yaml"));

        Assert.Equal(2, exit);
        Assert.Contains("no such file or directory", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_exits_2_naming_the_file()
    {
        var input = Write("broken.yaml", "kind: [unclosed\n");

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input);

        Assert.Equal(2, exit);
        Assert.Contains("broken.yaml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_kind_of_our_group_exits_2()
    {
        var input = Write("typo.yaml", "apiVersion: mtls-operator.io/v1alpha1\nkind: MtlsListner\nmetadata:\n  name: x\nspec: {}\n");

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input);

        Assert.Equal(2, exit);
        Assert.Contains("MtlsListner", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_without_files_prints_usage_and_exits_2()
    {
        var (exit, _, stderr) = CliRunner.Run("render");

        Assert.Equal(2, exit);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
    }

    private static string ServerKeyPem(ListenerManifests m) => TestPki.PemExport.PrivateKey(m.Server).Trim();

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
