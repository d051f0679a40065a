using System.Text;
using System.Text.Json.Nodes;
using MtlsOperator.Cli;

namespace MtlsOperator.Tests.GitOps;

/// <summary>The shipped Argo CD health checks, run by the real Lua 5.1 interpreter on status objects the engine produces. The testdata
/// and health_test.yaml beside each script (argo-cd's resource_customizations shape) are generated from the same scenarios; set
/// MTLS_REGENERATE_ARGOCD=1 to rewrite them after an intended change, and review the diff.</summary>
public sealed class ArgoCdHealthTests
{
    private static bool Regenerate => Environment.GetEnvironmentVariable("MTLS_REGENERATE_ARGOCD") == "1";

    public static TheoryData<string, string> Scenarios()
    {
        var data = new TheoryData<string, string>();
        foreach (var s in HealthScenario.All)
        {
            data.Add(s.Kind, s.File);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Scenarios))]
    public void Engine_status_gets_the_health_argo_cd_should_show(string kind, string file)
    {
        Skip.IfNot(ArgoCdHealthScript.Available, $"{ArgoCdHealthScript.Interpreter} is not on PATH (test.sh installs Debian's lua5.1)");
        var scenario = HealthScenario.All.Single(s => s.Kind == kind && s.File == file);
        var resource = scenario.Produce();

        var (status, message) = ArgoCdHealthScript.Run(resource);

        Assert.True(status == scenario.Status, $"{kind} {file}: {status} ({message}), expected {scenario.Status}");
        Assert.Equal(HealthScenario.ExpectedMessage(resource, scenario.Status), message);
    }

    [SkippableTheory]
    [MemberData(nameof(Kinds))]
    public void Shipped_testdata_passes_its_health_test_yaml(string kind)
    {
        Skip.IfNot(ArgoCdHealthScript.Available, $"{ArgoCdHealthScript.Interpreter} is not on PATH (test.sh installs Debian's lua5.1)");
        var folder = Path.Combine(ArgoCdHealthScript.Folder, kind);
        var tests = ManifestYaml.ReadDocuments(File.ReadAllText(Path.Combine(folder, "health_test.yaml")))[0]["tests"]!.AsArray();
        Assert.Equal(HealthScenario.All.Count(s => s.Kind == kind), tests.Count);
        foreach (var test in tests)
        {
            var resource = ManifestYaml.ReadDocuments(File.ReadAllText(Path.Combine(folder, (string)test!["inputPath"]!)))[0];
            var (status, message) = ArgoCdHealthScript.Run(resource);
            Assert.Equal(((string)test["healthStatus"]!["status"]!, (string)test["healthStatus"]!["message"]!), (status, message));
        }
    }

    public static TheoryData<string> Kinds() => [.. HealthScenario.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Testdata_and_health_test_yaml_are_what_the_engine_produces(string kind)
    {
        var folder = Path.Combine(ArgoCdHealthScript.Folder, kind);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var tests = new JsonArray();
        foreach (var scenario in HealthScenario.All.Where(s => s.Kind == kind))
        {
            var resource = scenario.Produce();
            expected["testdata/" + scenario.File] = ManifestYaml.Write(resource);
            tests.Add(new JsonObject
            {
                ["healthStatus"] = new JsonObject { ["status"] = scenario.Status, ["message"] = HealthScenario.ExpectedMessage(resource, scenario.Status) },
                ["inputPath"] = "testdata/" + scenario.File,
            });
        }

        expected["health_test.yaml"] = ManifestYaml.Write(new JsonObject { ["tests"] = tests });
        foreach (var (file, text) in expected)
        {
            var path = Path.Combine(folder, file);
            if (Regenerate)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text, new UTF8Encoding(false));
            }

            Assert.True(File.Exists(path) && File.ReadAllText(path) == text,
                $"{path} differs from what the engine produces; run MTLS_REGENERATE_ARGOCD=1 dotnet test --filter ArgoCdHealthTests and review the diff");
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "testdata")).Select(f => "testdata/" + Path.GetFileName(f)).Except(expected.Keys));
    }

    [Fact]
    public void Every_kind_ships_the_same_script()
    {
        var scripts = HealthScenario.Kinds.Select(k => File.ReadAllText(ArgoCdHealthScript.PathOf(k))).Distinct().ToList();
        Assert.Single(scripts);
    }
}
