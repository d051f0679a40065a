using System.Globalization;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Injection;

/// <summary>
/// Adds a listener's sidecar to a pod or pod template (<c>{metadata, spec}</c> JSON): the proxy container under the
/// supervisor, the output Secret mounted whole, a writable emptyDir, the opt-in label and listener annotation.
/// </summary>
/// <remarks>
/// Pure and idempotent: the sidecar and its volumes are replaced by name, so injecting twice changes nothing and a
/// pod injected for an older listener spec is updated in place, never given a second proxy. It works on JSON, not the
/// typed model, so fields this client version does not know survive untouched. Both the webhook and <c>inject</c>
/// call it: the two produce the same pod spec by construction.
/// </remarks>
public static class PodInjector
{
    public static PodInjection Inject(JsonObject pod, MtlsListener listener, SidecarSettings settings)
    {
        var proxy = SidecarContainer.ProxyOf(listener);
        if (!settings.Images.TryGetValue(proxy, out var image) || string.IsNullOrWhiteSpace(image))
        {
            return PodInjection.Refused($"MtlsListener {listener.Metadata.Name} uses proxy \"{listener.Spec.Proxy}\", for which no sidecar image is configured.");
        }

        var result = pod.DeepClone().AsObject();
        var spec = ObjectAt(result, "spec");
        var containers = ArrayAt(spec, "containers");
        if (FindClash(spec, listener, settings) is { } clash)
        {
            return PodInjection.Refused(clash);
        }

        var metadata = ObjectAt(result, "metadata");
        ObjectAt(metadata, "labels")[InjectionNames.InjectLabel] = InjectionNames.InjectLabelValue;
        var annotations = ObjectAt(metadata, "annotations");
        annotations[InjectionNames.ListenerAnnotation] = listener.Metadata.Name;
        if (!annotations.ContainsKey(InjectionNames.DefaultContainerAnnotation)
            && containers.OfType<JsonObject>().Select(NameOf).FirstOrDefault(n => n != InjectionNames.SidecarContainer) is { } app)
        {
            // kubectl logs/exec keep going to the app, not the proxy added after it.
            annotations[InjectionNames.DefaultContainerAnnotation] = app;
        }

        Upsert(containers, SidecarContainer.ContainerFor(listener, image, settings));
        var volumes = ArrayAt(spec, "volumes");
        Upsert(volumes, SidecarContainer.OutputVolumeFor(listener));
        Upsert(volumes, SidecarContainer.RuntimeVolumeFor());
        return PodInjection.Injected(result);
    }

    /// <summary>The listener named by the pod's annotation, or null when it asks for none.</summary>
    public static string? RequestedListener(JsonObject pod) =>
        pod["metadata"]?["annotations"]?[InjectionNames.ListenerAnnotation] is JsonValue v && v.TryGetValue<string>(out var name) && !string.IsNullOrWhiteSpace(name)
            ? name.Trim()
            : null;

    private static string? FindClash(JsonObject spec, MtlsListener listener, SidecarSettings settings)
    {
        var listen = listener.Spec.ListenPort;
        if (listen == settings.StatusPort || listener.Spec.UpstreamPort == settings.StatusPort)
        {
            return $"MtlsListener {listener.Metadata.Name} uses port {settings.StatusPort.ToString(CultureInfo.InvariantCulture)}, which the sidecar's status endpoint needs; choose another listen/upstream port.";
        }

        // Containers of one pod share its network namespace: a port an app container declares is taken.
        var others = ArrayAt(spec, "containers").Concat(spec["initContainers"] as JsonArray ?? [])
            .OfType<JsonObject>().Where(c => NameOf(c) != InjectionNames.SidecarContainer);
        foreach (var container in others)
        {
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (PortNumber(port["containerPort"]) is { } number && (number == listen || number == settings.StatusPort))
                {
                    return $"container {NameOf(container)} declares port {number.ToString(CultureInfo.InvariantCulture)}, which the mTLS sidecar of MtlsListener {listener.Metadata.Name} must listen on; " +
                        "the proxy must own the listen port (the app listens on spec.upstreamPort).";
                }
            }
        }

        return null;
    }

    /// <summary>Puts <paramref name="item"/> where the first item of its name was (or at the end), dropping any duplicates.</summary>
    private static void Upsert(JsonArray items, JsonObject item)
    {
        var name = NameOf(item);
        var first = -1;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (items[i] is JsonObject existing && NameOf(existing) == name)
            {
                items.RemoveAt(i);
                first = i;
            }
        }

        if (first < 0)
        {
            items.Add(item);
        }
        else
        {
            items.Insert(first, item);
        }
    }

    /// <summary>The number of a port, however it was parsed (YAML gives longs, JSON ints, a hand-written manifest maybe a string).</summary>
    private static long? PortNumber(JsonNode? node) =>
        node is JsonValue v && long.TryParse(v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string? NameOf(JsonObject o) => o["name"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonObject ObjectAt(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    private static JsonArray ArrayAt(JsonObject parent, string key)
    {
        if (parent[key] is JsonArray a)
        {
            return a;
        }

        var created = new JsonArray();
        parent[key] = created;
        return created;
    }
}
