using System.Globalization;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Engine.Rollout;

/// <summary>
/// How far a listener's current output has rolled out: counts of injected pods that serve it, serve an older one or
/// rejected it, and the <c>Served</c> condition (True only when every pod serves <c>status.contentHash</c>).
/// </summary>
/// <remarks>A sidecar's report only ever lowers what is claimed (a pod counts as current only when it reports exactly
/// the hash the operator wrote); it never changes what the rendered configuration admits.</remarks>
public static class ListenerRollout
{
    /// <summary>Longest proxy error quoted in the condition message; the full error is on the sidecar's /status.</summary>
    private const int MaxQuotedError = 300;

    /// <summary>Adds <c>status.pods</c> and the <c>Served</c> condition to <paramref name="status"/> (keeping the
    /// condition's lastTransitionTime from the listener's current status while its status is unchanged).</summary>
    public static void Apply(MtlsListener listener, MtlsListenerStatus status, IReadOnlyList<PodServing> pods, DateTimeOffset now)
    {
        var hash = status.ContentHash;
        var current = pods.Where(p => hash is not null && p.Report?.ServedContentHash == hash).ToList();
        var rejected = pods.Where(p => hash is not null && p.Report is { } r && r.ServedContentHash != hash && r.RejectedContentHash == hash).ToList();
        var unknown = pods.Where(p => p.Report is null).ToList();
        var stale = pods.Except(current).Except(rejected).Except(unknown).ToList();
        status.Pods = new ListenerPods { Current = current.Count, Stale = stale.Count, Rejected = rejected.Count, Unknown = unknown.Count };

        var served = new ConditionSet(listener.Status?.Conditions, listener.Metadata.Generation, now);
        if (hash is null)
        {
            served.Set(ConditionTypes.Served, false, "NoOutput", "No output Secret has been written, so no pod can serve it.");
        }
        else if (pods.Count == 0)
        {
            served.Set(ConditionTypes.Served, false, "NoPods",
                $"No running pod is injected for this listener (label {InjectionNames.InjectLabel}={InjectionNames.InjectLabelValue} and annotation {InjectionNames.ListenerAnnotation}={listener.Metadata.Name}).");
        }
        else if (rejected.Count > 0)
        {
            var first = rejected.OrderBy(p => p.Pod, StringComparer.Ordinal).First();
            served.Set(ConditionTypes.Served, false, "Rejected",
                $"{Count(rejected.Count)} rejected {Short(hash)} in the proxy's own check and keep serving the previous configuration; {first.Pod}: {Quote(first.Report!.RejectedError)}");
        }
        else if (current.Count < pods.Count)
        {
            var behind = stale.Concat(unknown).Select(p => p.Pod).Order(StringComparer.Ordinal).Take(5);
            served.Set(ConditionTypes.Served, false, "RollingOut",
                $"{current.Count.ToString(CultureInfo.InvariantCulture)} of {Count(pods.Count)} serve {Short(hash)}; {stale.Count.ToString(CultureInfo.InvariantCulture)} still serve an older content, {unknown.Count.ToString(CultureInfo.InvariantCulture)} did not report (e.g. {string.Join(", ", behind)}).");
        }
        else
        {
            served.Set(ConditionTypes.Served, true, "AllPodsServing", $"All {Count(pods.Count)} serve {Short(hash)}.");
        }

        status.Conditions = [.. status.Conditions.Where(c => c.Type != ConditionTypes.Served), .. served.Build()];
    }

    private static string Count(int n) => n == 1 ? "1 pod" : n.ToString(CultureInfo.InvariantCulture) + " pods";

    private static string Short(string hash) => hash.Length > 19 ? hash[..19] : hash;

    /// <summary>The proxy's error, one line, bounded: it comes from a pod and is only reported, never trusted.</summary>
    private static string Quote(string? error)
    {
        var text = new string((error ?? "no error given").Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return text.Length > MaxQuotedError ? text[..MaxQuotedError] + "..." : text;
    }
}
