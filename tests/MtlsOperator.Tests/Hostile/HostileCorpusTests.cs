using System.Text.RegularExpressions;

namespace MtlsOperator.Tests.Hostile;

/// <summary>Every input of the hostile corpus ends <c>render</c> in exit 0, 1 or 2 within the time and memory limits,
/// with one actionable line per problem on stderr and never a stack trace.</summary>
public sealed partial class HostileCorpusTests : IDisposable
{
    /// <summary>Generous for a loaded 2-core machine; the inputs take well under a second each when nothing else runs.</summary>
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("mtls-hostile-").FullName;

    public static TheoryData<string> Inputs() => [.. HostileCorpus.All.Select(i => i.Name)];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Render_ends_with_a_reason_within_limits(string input)
    {
        var extra = HostileCorpus.All.Single(i => i.Name == input).Write(_dir);

        var result = CliProcess.Run(s_timeout, ["render", "-f", _dir, .. extra]);

        Assert.False(result.TimedOut, $"{input}: still running after {s_timeout.TotalSeconds} s");
        Assert.True(result.Exit is 0 or 1 or 2, $"{input}: exit {result.Exit}\n{Head(result.Stderr)}");
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), result.Stderr);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.Exit == 0 || lines.Length > 0, $"{input}: exit {result.Exit} without saying why");
        Assert.All(lines, line => Assert.Matches(ProblemLine(), line));
    }

    [Fact]
    public void Names_that_are_paths_write_nothing_outside_the_out_folder()
    {
        var outDir = Path.Join(_dir, "deep", "out");
        HostileCorpus.All.Single(i => i.Name == "names that are paths, with --out").Write(_dir);
        var before = Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories).ToHashSet();

        var result = CliProcess.Run(s_timeout, "render", "-f", Path.Join(_dir, "m.yaml"), "--out", outDir);

        Assert.Equal(1, result.Exit);
        Assert.Contains("is not a valid Kubernetes", result.Stderr, StringComparison.Ordinal);
        // --out itself (and the folders leading to it) may be created; nothing else.
        var written = Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories)
            .Where(p => !before.Contains(p) && !outDir.StartsWith(p + "/", StringComparison.Ordinal)).ToList();
        Assert.All(written, p => Assert.StartsWith(outDir, p, StringComparison.Ordinal));
        Assert.False(File.Exists("/tmp/owned"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Head(string text) => text.Length <= 2000 ? text : text[..2000];

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    /// <summary>"error: ..." for unreadable input, "warning: ..." for what the API server would refuse or what is deprecated, usage text,
    /// or "Kind namespace/name: Reason: message" for a resource that is not Ready.</summary>
    [GeneratedRegex(@"^(error: \S.*|warning: \S.*|usage: .*|\s+.*|(TrustBundle|ServerCertificate|ClientAuthPolicy|MtlsListener) \S+/\S+: [A-Z][A-Za-z]+: \S.*)$")]
    private static partial Regex ProblemLine();
}
