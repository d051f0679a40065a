using MtlsOperator.Engine.Tests.Rendering.Envoy;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>Whole Envoy outputs (bootstrap and SDS files), reviewed as text; see README.md for regenerating them.</summary>
public sealed class EnvoyGoldenTests
{
    [Theory]
    [InlineData("pins-sni-crl-header")]
    [InlineData("rules-leaf-crl-dns-upstream")]
    [InlineData("paths")]
    [InlineData("upstream-tls-client-certificate")]
    public void Rendered_files_match_the_golden_file(string scenario) =>
        GoldenFile.Verify("envoy-" + scenario, EnvoyRendering.Files(EnvoyScenarios.All[scenario]));
}
