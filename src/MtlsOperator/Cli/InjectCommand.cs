using System.Text;
using System.Text.Json.Nodes;
using k8s;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Cli;

/// <summary><c>inject</c>: adds the mTLS sidecar to the workloads of YAML manifests, offline, exactly as the webhook would.</summary>
internal sealed class InjectCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
        usage: mtls-operator inject [-f PATH|- ...] [-n NAMESPACE] [--listener NAME] [sidecar options]
          -f PATH          manifest file or directory (*.yaml, *.yml, *.json), or - for stdin (the default); repeatable.
                           The MtlsListeners the workloads name must be among the inputs.
          -n NAMESPACE     namespace of objects that do not name one (default: default)
          --listener NAME  also annotate every workload without mtls-operator.io/listener with this listener
        Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs (and Lists of them) whose pod template
        carries the annotation mtls-operator.io/listener get the sidecar; every other document is printed as written.
        """ + "\n" + SidecarOptions.Usage;

    public int Run(IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [.. SidecarOptions.Names, "-f", "--filename", "-n", "--namespace", "--listener"], []);
        if (line.Error is not null || line.Positionals.Count > 0)
        {
            return Fail(line.Error ?? $"unexpected argument {line.Positionals[0]}", usage: true);
        }

        SidecarSettings settings;
        try
        {
            settings = SidecarOptions.From(line);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return Fail(e.Message, usage: true);
        }

        var defaultNamespace = line.Value("-n", "--namespace") ?? "default";
        var documents = new List<SourceDocument>();
        var errors = new List<string>();
        foreach (var (name, text) in Inputs(line.Values("-f", "--filename"), errors))
        {
            try
            {
                documents.AddRange(SourceDocuments.Read(text));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                errors.Add($"{name}: not readable as YAML: {e.Message.Split('\n')[0]}");
            }
        }

        var listeners = ListenersOf(documents, defaultNamespace, errors);
        var output = new StringBuilder();
        foreach (var document in documents)
        {
            output.Append("---\n").Append(Rewrite(document, listeners, defaultNamespace, line.Value("--listener"), settings, errors));
        }

        foreach (var error in errors)
        {
            stderr.WriteLine($"error: {error}");
        }

        if (errors.Count > 0)
        {
            return ExitCodes.BadInput;
        }

        stdout.Write(output.ToString());
        return ExitCodes.Ok;
    }

    private string Rewrite(SourceDocument document, Dictionary<(string, string), MtlsListener> listeners, string defaultNamespace, string? listenerForAll, SidecarSettings settings, List<string> errors)
    {
        if (document.Json is not JsonObject root)
        {
            return document.Text;
        }

        var copy = root.DeepClone().AsObject();
        var workloads = (string?)copy["kind"] == "List" && copy["items"] is JsonArray items ? items.OfType<JsonObject>().ToList() : [copy];
        var changed = false;
        foreach (var workload in workloads)
        {
            if (PodTemplates.Of(workload) is not { } template)
            {
                continue;
            }

            if (listenerForAll is not null && PodInjector.RequestedListener(template) is null)
            {
                template["metadata"] ??= new JsonObject();
                template["metadata"]!["annotations"] ??= new JsonObject();
                template["metadata"]!["annotations"]![InjectionNames.ListenerAnnotation] = listenerForAll;
            }

            if (PodInjector.RequestedListener(template) is not { } name)
            {
                continue;
            }

            var ns = (string?)workload["metadata"]?["namespace"] ?? defaultNamespace;
            var what = $"{workload["kind"]} {ns}/{workload["metadata"]?["name"]}";
            if (!listeners.TryGetValue((ns, name), out var listener))
            {
                errors.Add($"{what}: MtlsListener {ns}/{name} is not among the inputs (give its manifest with -f; injection needs its proxy, ports and mount path).");
                continue;
            }

            var injection = PodInjector.Inject(template, listener, settings);
            if (injection.Pod is not { } injected)
            {
                errors.Add($"{what}: {injection.Refusal}");
                continue;
            }

            Replace(template, injected);
            changed = true;
        }

        return changed ? ManifestYaml.Write(copy) : document.Text;
    }

    /// <summary>Puts the injected members into the template in place (it may be nested inside the workload).</summary>
    private static void Replace(JsonObject template, JsonObject injected)
    {
        foreach (var key in template.Select(p => p.Key).ToList())
        {
            template.Remove(key);
        }

        foreach (var (key, value) in injected)
        {
            template[key] = value?.DeepClone();
        }
    }

    private static Dictionary<(string, string), MtlsListener> ListenersOf(IEnumerable<SourceDocument> documents, string defaultNamespace, List<string> errors)
    {
        var listeners = new Dictionary<(string, string), MtlsListener>();
        foreach (var o in documents.Select(d => d.Json).OfType<JsonObject>()
                     .SelectMany(d => (string?)d["kind"] == "List" && d["items"] is JsonArray items ? items.OfType<JsonObject>() : [d])
                     .Where(d => (string?)d["apiVersion"] == MtlsListener.GroupVersion && (string?)d["kind"] == MtlsListener.KindName))
        {
            try
            {
                var listener = KubernetesJson.Deserialize<MtlsListener>(o.ToJsonString());
                listeners[(listener.Metadata.NamespaceProperty ?? defaultNamespace, listener.Metadata.Name)] = listener;
            }
            catch (System.Text.Json.JsonException e)
            {
                errors.Add($"MtlsListener {o["metadata"]?["name"]}: {e.Message.Split('\n')[0]}");
            }
        }

        return listeners;
    }

    private IEnumerable<(string Name, string Text)> Inputs(IReadOnlyList<string> paths, List<string> errors)
    {
        foreach (var path in paths.Count == 0 ? ["-"] : paths)
        {
            if (path == "-")
            {
                yield return ("stdin", stdin.ReadToEnd());
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".yaml" or ".yml" or ".json").Order(StringComparer.Ordinal))
                {
                    if (Bounded(file, errors) is { } text)
                    {
                        yield return (file, text);
                    }
                }
            }
            else if (File.Exists(path))
            {
                if (Bounded(path, errors) is { } text)
                {
                    yield return (path, text);
                }
            }
            else
            {
                errors.Add($"{path}: no such file or directory");
            }
        }
    }

    /// <summary>The file's text when it is a regular file within the manifest size limit (<see cref="ManifestFile"/>); else an error.</summary>
    private static string? Bounded(string file, List<string> errors)
    {
        var (text, error) = ManifestFile.Read(file);
        if (text is null)
        {
            errors.Add($"{file}: {error}");
        }

        return text;
    }

    private int Fail(string message, bool usage)
    {
        stderr.WriteLine($"error: {message}");
        if (usage)
        {
            stderr.WriteLine(Usage);
        }

        return ExitCodes.BadInput;
    }
}
