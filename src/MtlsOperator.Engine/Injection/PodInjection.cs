using System.Text.Json.Nodes;

namespace MtlsOperator.Engine.Injection;

/// <summary>The outcome of injecting a pod (template): the patched object, or why the sidecar cannot be added.</summary>
/// <param name="Pod">The whole object with the sidecar; null when refused.</param>
/// <param name="Refusal">Why the pod must not run as asked (a port clash, a proxy with no image); null when injected.</param>
public sealed record PodInjection(JsonObject? Pod, string? Refusal)
{
    public static PodInjection Injected(JsonObject pod) => new(pod, null);

    public static PodInjection Refused(string reason) => new(null, reason);
}
