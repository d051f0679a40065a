using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Cli;

/// <summary><c>render</c>: what the operator would write for a set of manifests, offline. Exit 0 all Ready, 1 some not Ready, 2 unreadable input.</summary>
internal sealed class RenderCommand(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public const string Usage = """
        usage: mtls-operator render -f PATH [-f PATH ...] [-n NAMESPACE] [--out DIR] [--mount-path PATH]
          -f PATH            manifest file or directory (*.yaml, *.yml, *.json; not recursive), repeatable
          -n NAMESPACE       namespace for objects that do not name one (default: default)
          --out DIR          write each output Secret's data as DIR/<namespace>/<secret>/<key> instead of printing YAML
          --mount-path PATH  use PATH as every listener's mount path; {namespace} and {secret} are replaced,
                             so --mount-path DIR/{namespace}/{secret} with --out DIR gives files usable in place
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["-f", "--filename", "-n", "--namespace", "--out", "--mount-path"], []);
        if (options.Error is not null || options.Values("-f", "--filename").Count == 0 || options.Positionals.Count > 0)
        {
            stderr.WriteLine(options.Error ?? (options.Positionals.Count > 0 ? $"unexpected argument {options.Positionals[0]}" : "render needs -f PATH"));
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var manifests = ManifestReader.Read(options.Values("-f", "--filename"), options.Value("-n", "--namespace") ?? "default");
        foreach (var warning in manifests.Warnings)
        {
            stderr.WriteLine($"warning: {warning}");
        }

        foreach (var error in manifests.Errors)
        {
            stderr.WriteLine($"error: {error}");
        }

        if (manifests.Errors.Count > 0)
        {
            return ExitCodes.BadInput;
        }

        var mountPath = options.Value("--mount-path");
        var objects = manifests.Objects.Select(o => o is MtlsListener l && mountPath is not null ? WithMountPath(l, mountPath) : o);
        var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(objects), clock.GetUtcNow());

        if (options.Value("--out") is { } outDir)
        {
            var writeErrors = OutputFolder.Write(result.Outputs.OfType<V1Secret>(), outDir);
            foreach (var error in writeErrors)
            {
                stderr.WriteLine($"error: {error}");
            }

            if (writeErrors.Count > 0)
            {
                return ExitCodes.BadInput;
            }
        }
        else
        {
            WriteYaml(result);
        }

        var notReady = result.Outcomes.Where(o => o.Ready.Status != "True").ToList();
        foreach (var o in notReady)
        {
            stderr.WriteLine($"{o.Resource.Kind} {o.Resource.Metadata.NamespaceProperty}/{o.Resource.Metadata.Name}: {o.Ready.Reason}: {o.Ready.Message}");
        }

        return notReady.Count == 0 ? ExitCodes.Ok : ExitCodes.NotReady;
    }

    private static MtlsListener WithMountPath(MtlsListener listener, string template)
    {
        var copy = KubernetesJson.Deserialize<MtlsListener>(KubernetesJson.Serialize(listener));
        copy.Spec.MountPath = template
            .Replace("{namespace}", listener.Metadata.NamespaceProperty, StringComparison.Ordinal)
            .Replace("{secret}", ListenerSpecDefaults.OutputSecretName(listener), StringComparison.Ordinal);
        return copy;
    }

    private void WriteYaml(RenderResult result)
    {
        var documents = result.Outputs
            .OrderBy(o => o.Kind, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)
            .Select(o => JsonNode.Parse(KubernetesJson.Serialize(o))!)
            .Concat(result.Outcomes.Select(WithStatus));
        var sb = new StringBuilder();
        foreach (var document in documents)
        {
            sb.Append("---\n").Append(ManifestYaml.Write(document));
        }

        stdout.Write(sb.ToString());
    }

    /// <summary>The resource as given with its computed status, without server-populated noise.</summary>
    private static JsonNode WithStatus(ResourceOutcome outcome)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(outcome.Resource))!.AsObject();
        node.Remove("status");
        if (node["metadata"] is JsonObject meta)
        {
            meta.Remove("managedFields");
        }

        node["status"] = JsonNode.Parse(KubernetesJson.Serialize(outcome.Status));
        return node;
    }
}
