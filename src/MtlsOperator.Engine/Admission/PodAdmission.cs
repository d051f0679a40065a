using System.Collections.Immutable;
using System.Text.Json.Nodes;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Engine.Admission;

/// <summary>What the webhook knows when it decides: listeners from the operator's cache, the sidecar settings, and the
/// namespaces it never touches (its own, kube-system...).</summary>
/// <param name="FindListener">The cached MtlsListener of (namespace, name), or null.</param>
/// <param name="ListenersSynced">False until the listener cache has listed once: "not found" then means "not known yet".</param>
public sealed record AdmissionContext(Func<string, string, MtlsListener?> FindListener, bool ListenersSynced, SidecarSettings Settings, ImmutableHashSet<string> UntouchedNamespaces);

/// <summary>
/// Decides one pod admission request (AdmissionReview v1): injects the sidecar into pods that name a listener,
/// lets everything else through unchanged.
/// </summary>
/// <remarks>
/// Fail closed where it matters: a pod that asks for a listener the operator does not know (not created yet, a typo,
/// another namespace) is refused rather than started without the proxy it asked for, which would expose the app
/// without mTLS. The workload controller retries, so a Deployment applied before its listener converges once the
/// listener exists. Pods in untouched namespaces, and pods that ask for nothing, are always allowed as sent.
/// </remarks>
public static class PodAdmission
{
    public static AdmissionVerdict Review(JsonObject review, AdmissionContext context)
    {
        var request = review["request"] as JsonObject ?? throw new FormatException("AdmissionReview has no request");
        var uid = (string?)request["uid"] ?? throw new FormatException("AdmissionReview request has no uid");
        var ns = (string?)request["namespace"] ?? "";
        var isPodCreate = (string?)request["kind"]?["kind"] == "Pod" && (string?)request["kind"]?["group"] is null or "" && (string?)request["operation"] == "CREATE"
                          && request["subResource"] is null;
        if (!isPodCreate || context.UntouchedNamespaces.Contains(ns) || request["object"] is not JsonObject pod)
        {
            return AdmissionVerdict.Allow(uid);
        }

        if (PodInjector.RequestedListener(pod) is not { } name)
        {
            return (string?)pod["metadata"]?["labels"]?[InjectionNames.InjectLabel] == InjectionNames.InjectLabelValue
                ? AdmissionVerdict.Allow(uid, $"pod is labelled {InjectionNames.InjectLabel}={InjectionNames.InjectLabelValue} but has no {InjectionNames.ListenerAnnotation} annotation: no mTLS sidecar added")
                : AdmissionVerdict.Allow(uid);
        }

        if (context.FindListener(ns, name) is not { } listener)
        {
            return AdmissionVerdict.Refuse(uid, context.ListenersSynced
                ? $"mtls-operator: the pod asks for MtlsListener {ns}/{name} ({InjectionNames.ListenerAnnotation}), which does not exist; create it (or fix the annotation) and the pod will be created with its mTLS sidecar"
                : "mtls-operator: the webhook has not loaded the MtlsListeners yet; retry shortly");
        }

        var injection = PodInjector.Inject(pod, listener, context.Settings);
        if (injection.Pod is not { } injected)
        {
            return AdmissionVerdict.Refuse(uid, "mtls-operator: " + injection.Refusal);
        }

        return new AdmissionVerdict(uid, JsonPatchDiff.Between(pod, injected), null, []);
    }
}
