using MtlsOperator.Cli;

namespace MtlsOperator.Tests.Cli;

/// <summary>What <c>render</c> does with input that holds nothing to render, with <c>--now</c>, and with the deprecated lowercase
/// <c>spec.proxy</c>.</summary>
public sealed class RenderInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-input-").FullName;
    private readonly ListenerManifests _manifests = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_empty_folder_is_an_error_not_all_ready()
    {
        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", _dir);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Empty(stdout);
        Assert.Contains($"error: nothing to render in {_dir}", stderr, StringComparison.Ordinal);
        Assert.Contains("found no manifests", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_of_other_kinds_only_is_an_error_naming_what_was_passed_over()
    {
        Write("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec: {}\n");
        Write("secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n");

        var (exit, _, stderr) = CliRunner.Run("render", "-f", _dir);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("no TrustBundle, ServerCertificate, ClientAuthPolicy or MtlsListener of mtls-operator.io/v1alpha1", stderr, StringComparison.Ordinal);
        Assert.Contains("apps/v1 Deployment web", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_of_another_version_of_our_api_are_an_error_with_a_warning_naming_the_version()
    {
        Write("listener.yaml", _manifests.Yaml().Replace("mtls-operator.io/v1alpha1", "mtls-operator.io/v1beta1", StringComparison.Ordinal));

        var (exit, _, stderr) = CliRunner.Run("render", "-f", _dir);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("mtls-operator.io/v1beta1 is not a version this build reads (mtls-operator.io/v1alpha1); skipped", stderr, StringComparison.Ordinal);
        Assert.Contains("error: nothing to render", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_command_exits_2_for_a_folder_with_nothing_to_render()
    {
        var result = Hostile.CliProcess.Run(TimeSpan.FromSeconds(60), "render", "-f", _dir);

        Assert.Equal(ExitCodes.BadInput, result.Exit);
        Assert.Contains("error: nothing to render", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_now_gives_byte_identical_output()
    {
        var input = Write("listener.yaml", _manifests.Yaml());
        var now = WhileValid(_manifests);

        var first = CliRunner.Run("render", "-f", input, "--now", Rfc3339(now, TimeSpan.Zero));
        var second = CliRunner.Run("render", "-f", input, "--now", Rfc3339(now, TimeSpan.FromHours(1)));

        Assert.True(first.Exit == 0, first.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.Contains($"lastTransitionTime: {Rfc3339(now, TimeSpan.Zero)}\n", first.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Now_is_the_clock_the_engine_evaluates_with()
    {
        var input = Write("listener.yaml", _manifests.Yaml());
        var afterExpiry = new DateTimeOffset(_manifests.Server.NotAfter.ToUniversalTime()).AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input, "--now", afterExpiry);

        Assert.Equal(ExitCodes.NotReady, exit);
        Assert.Contains("ServerCertificate apps/agent: Expired", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-01")]
    [InlineData("12/01/2026 10:00")]
    [InlineData("2026-12-01T10:00:00")]
    [InlineData("tomorrow")]
    public void A_now_that_is_not_rfc3339_is_bad_input(string now)
    {
        var (exit, stdout, stderr) = CliRunner.Run("render", "-f", Write("listener.yaml", _manifests.Yaml()), "--now", now);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Empty(stdout);
        Assert.Contains("is not an RFC 3339 time", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("haproxy", "HAProxy")]
    [InlineData("nginx", "Nginx")]
    [InlineData("envoy", "Envoy")]
    public void A_lowercase_proxy_renders_the_same_output_and_is_warned_about_as_deprecated(string lowercase, string preferred)
    {
        var manifests = new ListenerManifests(preferred);
        if (preferred == "Nginx")
        {
            // nginx enforces SHA-1 pins only.
            manifests.Pin = $"sha1: \"{Engine.Pki.CertificateFingerprints.Of(manifests.Client).Sha1}\"";
        }

        var preferredYaml = manifests.Yaml();
        var lowercaseYaml = preferredYaml.Replace($"proxy: {preferred}\n", $"proxy: {lowercase}\n", StringComparison.Ordinal);
        Assert.NotEqual(preferredYaml, lowercaseYaml);

        var now = Rfc3339(WhileValid(manifests), TimeSpan.Zero);
        var preferredRun = CliRunner.Run("render", "-f", Write("preferred.yaml", preferredYaml), "--now", now);
        var lowercaseRun = CliRunner.Run("render", "-f", Write("lowercase.yaml", lowercaseYaml), "--now", now);

        Assert.True(preferredRun.Exit == 0, preferredRun.Stderr);
        Assert.True(lowercaseRun.Exit == 0, lowercaseRun.Stderr);
        Assert.Contains($"MtlsListener agent: spec.proxy \"{lowercase}\" is deprecated; write \"{preferred}\"", lowercaseRun.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", preferredRun.Stderr, StringComparison.Ordinal);
        Assert.Equal(OutputSecret(preferredRun.Stdout), OutputSecret(lowercaseRun.Stdout));
    }

    /// <summary>A whole second an hour into the certificates' validity: they are made when the test runs, so no fixed date is
    /// inside it for long.</summary>
    private static DateTimeOffset WhileValid(ListenerManifests manifests)
    {
        var notBefore = new DateTimeOffset(new[] { manifests.Root.Certificate, manifests.Server, manifests.Client }.Max(c => c.NotBefore.ToUniversalTime()));
        return new DateTimeOffset(notBefore.UtcTicks - (notBefore.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddHours(1);
    }

    /// <summary>E.g. <c>2026-12-01T10:00:00Z</c>, or the same instant as <c>2026-12-01T11:00:00+01:00</c>.</summary>
    private static string Rfc3339(DateTimeOffset instant, TimeSpan offset) => offset == TimeSpan.Zero
        ? instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
        : instant.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private static string OutputSecret(string stdout) =>
        ManifestYaml.ReadDocuments(stdout).Single(d => (string?)d["kind"] == "Secret" && (string?)d["metadata"]!["name"] == "agent-mtls").ToJsonString();

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
