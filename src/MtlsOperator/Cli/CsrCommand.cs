using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Runtime.Throttling;

namespace MtlsOperator.Cli;

/// <summary><c>csr</c>: prints the certificate signing request of a CSR-flow ServerCertificate, from a live cluster (its status) or,
/// offline, from manifests (as <c>render</c> computes it), ready to hand to a CA: <c>mtls-operator csr api -n apps &gt; api.csr</c>.</summary>
internal sealed class CsrCommand(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public const string Usage = """
        usage: mtls-operator csr NAME [-n NAMESPACE] [--renewal] [--kubeconfig PATH]
               mtls-operator csr -f PATH [-f PATH ...] [NAME] [-n NAMESPACE] [--renewal]
          NAME          the ServerCertificate (spec.csr); with -f, optional when the manifests hold one
          -n NAMESPACE  its namespace (default: the kubeconfig context's, else default)
          --renewal     print the pending renewal's request (the next key's) instead of the current one
          --kubeconfig  read from this cluster (default: KUBECONFIG, ~/.kube/config or in-cluster)
          -f PATH       compute it offline from manifests; the key is the one in the manifests' <name>-csr-key Secret,
                        else a new one that is thrown away (use the cluster's request to sign)
        Exit 0 with the PEM on stdout; 1 when there is no such request (yet); 2 for bad input or an unreachable cluster.
        """;

    public int Run(IReadOnlyList<string> args)
    {
        var o = CommandLine.Parse(args, ["-f", "--filename", "-n", "--namespace", "--kubeconfig"], ["--renewal"]);
        var files = o.Values("-f", "--filename");
        if (o.Error is not null || o.Positionals.Count > 1 || (files.Count == 0 && o.Positionals.Count == 0) || (files.Count > 0 && o.Value("--kubeconfig") is not null))
        {
            stderr.WriteLine(o.Error ?? (o.Positionals.Count > 1 ? $"unexpected argument {o.Positionals[1]}" : files.Count > 0 ? "-f and --kubeconfig exclude each other" : "csr needs NAME or -f PATH"));
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        var name = o.Positionals is [var first, ..] ? first : null;
        var renewal = o.Flags.Contains("--renewal");
        return files.Count > 0
            ? FromManifests(files, name, o.Value("-n", "--namespace"), renewal)
            : FromCluster(name!, o.Value("-n", "--namespace"), o.Value("--kubeconfig"), renewal);
    }

    private int FromManifests(IReadOnlyList<string> files, string? name, string? ns, bool renewal)
    {
        var manifests = ManifestReader.Read(files, ns ?? "default");
        foreach (var error in manifests.Errors)
        {
            stderr.WriteLine($"error: {error}");
        }

        if (manifests.Errors.Count > 0)
        {
            return ExitCodes.BadInput;
        }

        var candidates = manifests.Objects.OfType<ServerCertificate>()
            .Where(c => c.Spec?.Csr is not null && (name is null || c.Metadata.Name == name) && (ns is null || c.Metadata.NamespaceProperty == ns))
            .ToList();
        if (candidates.Count != 1)
        {
            stderr.WriteLine(candidates.Count == 0
                ? $"error: no ServerCertificate{(name is null ? "" : " " + name)} with spec.csr in the manifests"
                : $"error: {candidates.Count} ServerCertificates with spec.csr in the manifests ({string.Join(", ", candidates.Select(c => c.Metadata.Name))}); name one");
            return ExitCodes.BadInput;
        }

        var certificate = candidates[0];
        var snapshot = ResourceSnapshot.Of(manifests.Objects);
        if (snapshot.FindSecret(certificate.Metadata.NamespaceProperty ?? "default", certificate.Metadata.Name + ResourceReferences.CsrKeySecretSuffix) is null)
        {
            stderr.WriteLine($"warning: the manifests hold no Secret {certificate.Metadata.Name}{ResourceReferences.CsrKeySecretSuffix}: this request is for a key " +
                "generated just now and thrown away. Sign the request the operator shows in the cluster (mtls-operator csr NAME -n NAMESPACE).");
        }

        var status = new TrustEngine().Evaluate(certificate, new EvaluationContext(snapshot, clock.GetUtcNow())).Status;
        return Print(status, certificate.Metadata.NamespaceProperty ?? "default", certificate.Metadata.Name, renewal);
    }

    private int FromCluster(string name, string? ns, string? kubeconfig, bool renewal)
    {
        if (RunCommand.Kubeconfig(kubeconfig, stderr) is not { } config)
        {
            return ExitCodes.BadInput;
        }

        ns ??= config.Namespace ?? "default";
        using var client = OperatorClient.Create(config, new ClientThrottling());
        ServerCertificate certificate;
        try
        {
            var body = client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(
                TrustBundle.Group, TrustBundle.Version, ns, ServerCertificate.Plural, name).GetAwaiter().GetResult();
            certificate = KubernetesJson.Deserialize<ServerCertificate>(body.GetRawText());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            stderr.WriteLine($"error: ServerCertificate {ns}/{name} not found");
            return ExitCodes.NotReady;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or JsonException or TaskCanceledException)
        {
            stderr.WriteLine($"error: cannot read ServerCertificate {ns}/{name}: {e.Message.Split('\n')[0]}");
            return ExitCodes.BadInput;
        }

        if (certificate.Spec?.Csr is null)
        {
            stderr.WriteLine($"error: ServerCertificate {ns}/{name} does not use spec.csr: there is no request to sign");
            return ExitCodes.BadInput;
        }

        if (certificate.Metadata.Generation is { } generation && certificate.Status?.ObservedGeneration != generation)
        {
            stderr.WriteLine($"warning: the status describes generation {certificate.Status?.ObservedGeneration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, " +
                $"not the current {generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}: the operator has not evaluated the latest change yet");
        }

        return Print(certificate.Status ?? new ServerCertificateStatus(), ns, name, renewal);
    }

    private int Print(ServerCertificateStatus status, string ns, string name, bool renewal)
    {
        var request = renewal ? status.Csr?.Renewal?.Request : status.Csr?.Request;
        if (string.IsNullOrEmpty(request))
        {
            var ready = status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
            stderr.WriteLine(renewal
                ? $"error: ServerCertificate {ns}/{name} has no pending renewal (status.csr.renewal); it starts within spec.expiryWarningDays of expiry"
                : $"error: ServerCertificate {ns}/{name} has no request yet{(ready is null ? " (not evaluated yet)" : $" ({ready.Reason}: {ready.Message})")}");
            return ExitCodes.NotReady;
        }

        stdout.Write(request.EndsWith('\n') ? request : request + "\n");
        return ExitCodes.Ok;
    }
}
