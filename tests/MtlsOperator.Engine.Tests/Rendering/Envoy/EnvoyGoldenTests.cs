using System.Runtime.CompilerServices;
using System.Text;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>Whole rendered outputs, reviewed as text. Regenerate with <c>UPDATE_GOLDEN=1 dotnet test</c> and read the diff.</summary>
public sealed class EnvoyGoldenTests
{
    [Theory]
    [InlineData("pins-sni-crl-header")]
    [InlineData("rules-leaf-crl-dns-upstream")]
    public void Rendered_files_match_the_golden_file(string scenario)
    {
        var actual = Concatenate(Files(EnvoyScenarios.All[scenario]));
        var path = Path.Combine(GoldenDirectory(), $"envoy-{scenario}.golden");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests with UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static string Concatenate(IReadOnlyDictionary<string, string> files)
    {
        var sb = new StringBuilder();
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            sb.Append("# ---- ").Append(name).Append(" ----\n").Append(content);
        }

        return sb.ToString();
    }

    private static string GoldenDirectory([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(source))!, "Golden");
}
