using MtlsOperator.Cli;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Policy;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>One case rendered for one proxy through the real CLI path (<c>render --out --mount-path</c>), with the evaluated
/// admission the engine's evaluators computed from the same manifests.</summary>
/// <param name="Files">The output Secret's files, written to <paramref name="MountPath"/>; empty when the render was refused.</param>
/// <param name="Output">What <c>render</c> printed (the Ready=False reasons when refused).</param>
public sealed record RenderedCase(CasePlan Plan, GeneratedPki Pki, ProxyKind Kind, string Name, int Port, string MountPath, int ExitCode,
    string Output, IReadOnlyDictionary<string, string> Files, ClientAdmission? Admission)
{
    public bool Ready => ExitCode == 0;

    public static RenderedCase Render(CasePlan plan, GeneratedPki pki, ProxyKind kind, string name, int port, int upstreamPort, string batchDirectory)
    {
        var mount = Directory.CreateDirectory(Path.Combine(batchDirectory, name)).FullName;
        var yaml = CaseManifests.Yaml(plan, pki, kind, name, port, upstreamPort);
        var manifests = Path.Combine(mount, "manifests.yaml");
        File.WriteAllText(manifests, yaml);
        var result = CliRender.RunYaml(manifests, CaseManifests.Namespace, name + "-mtls", mount);
        foreach (var (file, content) in result.Files)
        {
            File.WriteAllText(Path.Combine(mount, file), content);
        }

        return new RenderedCase(plan, pki, kind, name, port, mount, result.ExitCode, result.Output, result.Files, Evaluate(manifests));
    }

    /// <summary>The evaluated policy, exactly as the evaluators produce it for the listener.</summary>
    private static ClientAdmission? Evaluate(string manifests)
    {
        var set = ManifestReader.Read([manifests], CaseManifests.Namespace);
        var snapshot = ResourceSnapshot.Of(set.Objects);
        var policy = set.Objects.OfType<ClientAuthPolicy>().Single();
        return new TrustEngine().Evaluate(policy, new EvaluationContext(snapshot, DateTimeOffset.UtcNow)).Admission;
    }
}
