using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.CrlDistribution;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Cli;

/// <summary><c>render</c>: what the operator would write for a set of manifests, offline. Exit 0 all Ready, 1 some not Ready, 2 unreadable
/// input or nothing to render. Output Secrets are printed as a readable view with private keys redacted unless asked for in full.</summary>
internal sealed class RenderCommand(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public const string Usage = """
        usage: mtls-operator render -f PATH [-f PATH ...] [-n NAMESPACE] [--now RFC3339] [--include-private-keys]
                                    [--out DIR] [--mount-path PATH] [--fetch-crls]
          -f PATH                 manifest file or directory (*.yaml, *.yml, *.json; not recursive), repeatable
          -n NAMESPACE            namespace for objects that do not name one (default: default)
          --now TIME              evaluate at TIME (RFC 3339, e.g. 2026-12-01T10:00:00Z) instead of now: reproducible output
                                  (except a self-signed bootstrap's key and certificate, generated anew on each run)
          --include-private-keys  print output Secrets in full (applyable, private keys included) instead of the readable
                                  view (files decoded, keys shown as <redacted: EC private key, 121 bytes>)
          --out DIR               write each output Secret's data, keys included, as DIR/<namespace>/<secret>/<key>
                                  instead of printing YAML
          --mount-path PATH       use PATH as every listener's mount path; {namespace} and {secret} are replaced,
                                  so --mount-path DIR/{namespace}/{secret} with --out DIR gives files usable in place
          --fetch-crls            fetch the CRLs TrustBundles name by URL (crls[].url, fetchCrlDistributionPoints) with the
                                  operator's bounds; without it render stays offline and such bundles are not Ready
                                  (CrlNotFetched)
        """;

    /// <summary>What a bundle with CRL URLs says when rendered without <c>--fetch-crls</c>.</summary>
    public const string OfflineNote = "render works offline and does not fetch CRLs: run it with --fetch-crls to fetch them as the operator does.";

    private const string IncludePrivateKeys = "--include-private-keys";
    private const string FetchCrls = "--fetch-crls";

    public int Run(IReadOnlyList<string> args)
    {
        var options = CommandLine.Parse(args, ["-f", "--filename", "-n", "--namespace", "--out", "--mount-path", "--now"], [IncludePrivateKeys, FetchCrls]);
        if (options.Error is not null || options.Values("-f", "--filename").Count == 0 || options.Positionals.Count > 0)
        {
            stderr.WriteLine(options.Error ?? (options.Positionals.Count > 0 ? $"unexpected argument {options.Positionals[0]}" : "render needs -f PATH"));
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        DateTimeOffset now;
        if (options.Value("--now") is { } nowText)
        {
            if (Rfc3339.Parse(nowText) is not { } given)
            {
                stderr.WriteLine($"error: --now {nowText} is not an RFC 3339 time (e.g. 2026-12-01T10:00:00Z or 2026-12-01T11:00:00+01:00)");
                return ExitCodes.BadInput;
            }

            now = given;
        }
        else
        {
            now = clock.GetUtcNow();
        }

        var paths = options.Values("-f", "--filename");
        var manifests = ManifestReader.Read(paths, options.Value("-n", "--namespace") ?? "default");
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

        if (!manifests.Objects.Any(o => o.ApiVersion == TrustBundle.GroupVersion))
        {
            // Nothing of ours: a wrong folder or a manifest of another API version must not pass a pre-flight check as "all Ready".
            var passed = manifests.Skipped.Count == 0 ? "found no manifests" : $"passed over {string.Join("; ", manifests.Skipped.Take(5))}{(manifests.Skipped.Count > 5 ? $" and {manifests.Skipped.Count - 5} more" : "")}";
            stderr.WriteLine($"error: nothing to render in {string.Join(", ", paths)}: no TrustBundle, ServerCertificate, ClientAuthPolicy or MtlsListener of {TrustBundle.GroupVersion} ({passed})");
            return ExitCodes.BadInput;
        }

        var mountPath = options.Value("--mount-path");
        var objects = manifests.Objects.Select(o => o is MtlsListener l && mountPath is not null ? WithMountPath(l, mountPath) : o);
        var snapshot = ResourceSnapshot.Of(objects);
        var engine = new TrustEngine();
        var result = engine.EvaluateAll(snapshot, now, CrlDownloads.NotFetching(OfflineNote));
        if (options.Flags.Contains(FetchCrls))
        {
            result = engine.EvaluateAll(snapshot, now, RenderCrlFetch.FetchAll(result, now));
        }

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
            WriteYaml(result, options.Flags.Contains(IncludePrivateKeys));
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

    private void WriteYaml(RenderResult result, bool includePrivateKeys)
    {
        var outputs = result.Outputs
            .OrderBy(o => o.Kind, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(o => o.Metadata.Name, StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var output in outputs)
        {
            sb.Append("---\n");
            if (output is V1Secret secret && !includePrivateKeys)
            {
                sb.Append(CultureInfo.InvariantCulture, $"# Secret {secret.Metadata.NamespaceProperty}/{secret.Metadata.Name}, readable view: files decoded, private keys redacted ({IncludePrivateKeys} prints the Secret)\n")
                    .Append(ManifestYaml.Write(SecretView.Of(secret)));
            }
            else
            {
                sb.Append(ManifestYaml.Write(JsonNode.Parse(KubernetesJson.Serialize(output))!));
            }
        }

        foreach (var document in result.Outcomes.Select(WithStatus))
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
