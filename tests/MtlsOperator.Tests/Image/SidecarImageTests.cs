using System.Text.RegularExpressions;

namespace MtlsOperator.Tests.Image;

/// <summary>sidecar.Dockerfile, checked for structure (no Docker engine runs here): one target per proxy, each on the official
/// proxy image pinned to an exact release, running the supervisor non-root with the proxy binary that image ships.</summary>
public sealed partial class SidecarImageTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryRoot.Combine("sidecar.Dockerfile"));

    public static TheoryData<string, string, string> Flavours => new()
    {
        { "haproxy", @"^haproxy:2\.6\.\d+$", "/usr/local/sbin/haproxy" },
        { "nginx", @"^nginx:1\.22\.\d+$", "/usr/sbin/nginx" },
        { "envoy", @"^envoyproxy/envoy:v1\.\d+\.\d+$", "/usr/local/bin/envoy" },
    };

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Each_flavour_is_built_on_its_official_image_pinned_to_an_exact_release(string proxy, string pinned, string binary)
    {
        var argument = $"{proxy.ToUpperInvariant()}_IMAGE";
        var image = Lines.Select(l => ImageArgument().Match(l)).Single(m => m.Success && m.Groups["name"].Value == argument).Groups["image"].Value;

        Assert.Matches(pinned, image);
        Assert.Contains($"FROM ${{{argument}}} AS {proxy}", Lines);
        Assert.Contains("ENTRYPOINT [\"/opt/mtls-operator/mtls-operator\"]", Stage(proxy));
        Assert.Contains($"CMD [\"sidecar\", \"--proxy\", \"{proxy}\", \"--mount\", \"/etc/mtls\"]", Stage(proxy));
        // The supervisor finds the proxy on PATH or in the sbin directories (SidecarCommand), where the official image installs it.
        Assert.Contains(Path.GetDirectoryName(binary)!, new[] { "/usr/local/sbin", "/usr/sbin", "/usr/local/bin" });
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public void Each_flavour_runs_non_root_and_stops_on_sigterm(string proxy, string pinned, string binary)
    {
        var stage = Stage(proxy);
        _ = (pinned, binary);

        var user = Assert.Single(stage, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER (root|0)(:|$)", user);
        Assert.Contains("STOPSIGNAL SIGTERM", stage);
        Assert.Contains("ENV DOTNET_EnableDiagnostics=0", stage);
    }

    [Fact]
    public void The_supervisor_is_published_self_contained_for_the_target_architecture_from_the_sources_only()
    {
        var publish = Assert.Single(Lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        var restore = Array.FindIndex(Lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var copySources = Array.FindIndex(Lines, l => l.StartsWith("COPY src/ ", StringComparison.Ordinal));

        Assert.Contains("--self-contained true", publish, StringComparison.Ordinal);
        Assert.Contains("-a \"$TARGETARCH\"", publish, StringComparison.Ordinal);
        Assert.True(restore > 0 && copySources > restore, "restore before the sources are copied");
        Assert.DoesNotContain(Lines, l => l.StartsWith("COPY . ", StringComparison.Ordinal));
    }

    private static List<string> Stage(string proxy) =>
        Lines.SkipWhile(l => !l.EndsWith($" AS {proxy}", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"^ARG (?<name>[A-Z]+_IMAGE)=(?<image>\S+)$")]
    private static partial Regex ImageArgument();
}
