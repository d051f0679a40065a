using System.Runtime.CompilerServices;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>A second, independent field check: every scenario's files against Envoy's real .proto files, read with
/// protobufjs by <c>envoy-proto-check.js</c>. Runs when <c>ENVOY_PROTO_CHECK</c> names a node_modules directory
/// holding <c>@grpc/grpc-js-xds</c> (which ships Envoy's api/ protos), <c>protobufjs</c> and <c>js-yaml</c>.</summary>
public sealed class EnvoyProtoCheckTests
{
    [SkippableFact]
    public void Every_scenario_parses_against_envoys_own_protos()
    {
        var modules = Environment.GetEnvironmentVariable("ENVOY_PROTO_CHECK");
        Skip.If(string.IsNullOrEmpty(modules) || !Directory.Exists(Path.Combine(modules, "@grpc", "grpc-js-xds", "deps")),
            "ENVOY_PROTO_CHECK does not name a node_modules directory with @grpc/grpc-js-xds, protobufjs and js-yaml (see ENVOY.md)");
        var directory = Directory.CreateTempSubdirectory("envoy-proto-check-");
        try
        {
            var files = new List<string>();
            foreach (var (scenario, model) in EnvoyScenarios.All)
            {
                var scenarioDirectory = Directory.CreateDirectory(Path.Combine(directory.FullName, scenario));
                foreach (var (key, content) in Files(model))
                {
                    var path = Path.Combine(scenarioDirectory.FullName, key);
                    File.WriteAllText(path, content);
                    files.Add(path);
                }
            }

            var (exitCode, output, error) = ExternalTool.Run("node", [Script(), modules!, .. files]);

            Assert.True(exitCode == 0, output + error);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Script([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "envoy-proto-check.js");
}
