using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MtlsOperator.Tests.Image;

/// <summary>The operator's Dockerfile and build context, checked for structure: no Docker engine runs here.</summary>
public sealed partial class OperatorImageTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryRoot.Combine("Dockerfile"));

    [Fact]
    public void Every_base_image_is_pinned_to_a_release_never_latest()
    {
        var images = Lines.Select(l => ImageArgument().Match(l)).Where(m => m.Success).Select(m => m.Groups["image"].Value).ToList();

        Assert.Equal(2, images.Count);
        Assert.All(images, image =>
        {
            Assert.Matches(@"^mcr\.microsoft\.com/dotnet/[a-z-]+:10\.0[\w.-]*(@sha256:[0-9a-f]{64})?$", image);
            Assert.DoesNotContain(":latest", image, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_stage_is_built_from_a_pinned_argument_not_a_literal_floating_tag()
    {
        var froms = Lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, froms.Count);
        Assert.All(froms, from => Assert.Matches(@"\$\{DOTNET_(SDK|RUNTIME)_IMAGE\}", from));
    }

    [Fact]
    public void Runtime_is_chiseled_and_runs_as_the_non_root_app_user()
    {
        var runtime = Lines.Select(l => ImageArgument().Match(l)).Single(m => m.Success && m.Groups["name"].Value == "DOTNET_RUNTIME_IMAGE");
        var lastStage = Lines.SkipWhile(l => !l.StartsWith("FROM ${DOTNET_RUNTIME_IMAGE}", StringComparison.Ordinal)).ToList();

        Assert.EndsWith("-chiseled", runtime.Groups["image"].Value, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", lastStage);
        Assert.DoesNotContain(lastStage, l => l.StartsWith("USER root", StringComparison.Ordinal) || l.StartsWith("USER 0", StringComparison.Ordinal));
    }

    [Fact]
    public void Packages_are_restored_from_the_project_files_before_the_sources_are_copied()
    {
        var restore = Array.FindIndex(Lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var copySources = Array.FindIndex(Lines, l => l.StartsWith("COPY src/ ", StringComparison.Ordinal));

        Assert.True(restore > 0 && copySources > restore, "dotnet restore must come before COPY src/ so the package layer survives source changes");
        Assert.DoesNotContain(Lines, l => l.StartsWith("COPY . ", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.Contains("-a \"$TARGETARCH\"", StringComparison.Ordinal) && l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_context_holds_the_sources_and_not_the_tests_or_build_outputs()
    {
        var ignore = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal("**", ignore[0]);
        Assert.Contains("!src/**", ignore);
        Assert.Contains("src/**/bin/", ignore);
        Assert.Contains("src/**/obj/", ignore);
        Assert.DoesNotContain(ignore, l => l.StartsWith("!tests", StringComparison.Ordinal));
        // Every project file the Dockerfile copies must be inside the context the ignore file keeps.
        Assert.All(Lines.Where(l => l.StartsWith("COPY src/", StringComparison.Ordinal)), l => Assert.True(File.Exists(RepositoryRoot.Combine(l.Split(' ')[1])) || Directory.Exists(RepositoryRoot.Combine(l.Split(' ')[1]))));
    }

    [Theory]
    [InlineData("Dockerfile")]
    [InlineData("sidecar.Dockerfile")]
    public void The_files_at_the_root_that_the_build_reads_are_in_the_context_and_copied(string dockerfile)
    {
        // The props files set the build up; .editorconfig holds the analyzer severities, without which a warning-as-error build of
        // the same sources fails inside the image.
        string[] root = ["Directory.Build.props", "Directory.Packages.props", ".editorconfig"];
        var ignore = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore"));
        var copied = File.ReadAllLines(RepositoryRoot.Combine(dockerfile)).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ')[1..^1]).ToHashSet(StringComparer.Ordinal);

        Assert.All(root, file =>
        {
            Assert.True(File.Exists(RepositoryRoot.Combine(file)), file);
            Assert.Contains("!" + file, ignore);
            Assert.Contains(file, copied);
        });
    }

    [Fact]
    public void The_operator_runs_without_thread_pool_spinning_and_without_the_instrumented_tier()
    {
        // The runtimeconfig a build writes beside the operator is the one the image's publish writes; a DOTNET_ variable set in the
        // image would override it.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mtls-operator.runtimeconfig.json")))!;
        var properties = config["runtimeOptions"]!["configProperties"]!;

        Assert.Equal(0, (int)properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!);
        Assert.False((bool)properties["System.Runtime.TieredPGO"]!);
        Assert.DoesNotContain(Lines, l => l.StartsWith("ENV DOTNET_", StringComparison.Ordinal));
    }

    [Fact]
    public void The_operator_and_its_tests_run_with_invariant_globalization_as_the_chiseled_image_does()
    {
        // The chiseled base carries no ICU: a culture-dependent comparison that passed here against this machine's ICU would behave
        // differently in the image, so the operator says invariant itself and the tests run in that mode too.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "mtls-operator.runtimeconfig.json")))!;

        Assert.True((bool)config["runtimeOptions"]!["configProperties"]!["System.Globalization.Invariant"]!);
        // Only invariant mode refuses a named culture: with ICU loaded this one exists.
        Assert.Throws<System.Globalization.CultureNotFoundException>(() => System.Globalization.CultureInfo.GetCultureInfo("tr-TR"));
        Assert.Contains(Lines, l => l.StartsWith("ARG DOTNET_RUNTIME_IMAGE=", StringComparison.Ordinal) && l.Contains("-chiseled", StringComparison.Ordinal) && !l.Contains("-extra", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^ARG (?<name>DOTNET_(SDK|RUNTIME)_IMAGE)=(?<image>\S+)$")]
    private static partial Regex ImageArgument();
}
