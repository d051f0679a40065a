namespace MtlsOperator.Tests.Cli;

/// <summary><c>render</c> warns, one line per field naming its path, about fields the CRD does not declare: the API server's strict
/// field validation would refuse the object although the engine reads the rest of it.</summary>
public sealed class RenderUnknownFieldTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("render-unknown-").FullName;
    private readonly ListenerManifests _manifests = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_typo_in_a_spec_field_is_one_warning_line_naming_its_path()
    {
        var input = Write(_manifests.Yaml().Replace("  upstreamPort:", "  upstreamPrt:", StringComparison.Ordinal));

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input);

        var warning = Assert.Single(Lines(stderr), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("MtlsListener", warning, StringComparison.Ordinal);
        Assert.Contains("\"spec.upstreamPrt\"", warning, StringComparison.Ordinal);
        Assert.NotEqual(2, exit);
    }

    [Fact]
    public void Fields_inside_list_items_are_named_with_their_index()
    {
        _manifests.Pin = "sha265: \"AB:CD\"";
        var input = Write(_manifests.Yaml());

        var (_, _, stderr) = CliRunner.Run("render", "-f", input);

        Assert.Contains(Lines(stderr), l => l.StartsWith("warning:", StringComparison.Ordinal) && l.Contains("\"spec.pins[0].sha265\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Declared_fields_and_metadata_draw_no_warning()
    {
        var input = Write(_manifests.Yaml().Replace("metadata:\n", "metadata:\n  labels: { team: payments }\n  annotations: { a: b }\n", StringComparison.Ordinal));

        var (exit, _, stderr) = CliRunner.Run("render", "-f", input);

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("warning:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_examples_use_only_declared_fields()
    {
        Assert.All(Examples.ExampleFolders.Names, example =>
            Assert.DoesNotContain("warning:", CliRunner.Run("render", "-f", Examples.ExampleFolders.PathOf(example)).Stderr, StringComparison.Ordinal));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string Write(string yaml)
    {
        var path = Path.Combine(_dir, "listener.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
