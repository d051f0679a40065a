using System.Collections.Concurrent;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Injection;
using MtlsOperator.Engine.Rollout;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Runtime;

namespace MtlsOperator.Rollout;

/// <summary>
/// Asks the sidecar of every injected pod what it serves (<c>GET http://podIP:statusPort/status</c>), with bounded
/// concurrency and a timeout per pod, and re-queues a listener when what its pods report changes.
/// </summary>
/// <remarks>
/// The one channel from pods back into status: reads only, from the leader, over the pod network (a NetworkPolicy
/// must let the operator reach the status port). A report only lowers what is claimed; nothing a sidecar says
/// changes a rendered configuration. Steady state issues no API writes: reports that did not change re-queue nothing.
/// </remarks>
internal sealed partial class SidecarStatusPoller(Informer<V1Pod> pods, TimeSpan timeout, TimeSpan period, int concurrency, Action<ResourceKey> changed, TimeProvider time, ILogger logger)
{
    /// <summary>One client for the process (connection reuse); the timeout is per request, through cancellation.</summary>
    /// <summary>A report is a few hundred bytes; a larger answer is not a sidecar's and is not buffered.</summary>
    private static readonly HttpClient s_http = new() { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = 64 * 1024 };

    private readonly ConcurrentDictionary<ObjectKey, SidecarReport?> _reports = new();

    /// <summary>The injected pods of one listener with their last reports, for the reconciler.</summary>
    public IReadOnlyList<PodServing> PodsOf(string @namespace, string listener) =>
        [.. pods.Cache.List()
            .Where(p => p.Metadata.NamespaceProperty == @namespace && ListenerOf(p) == listener && Counts(p))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => new PodServing(p.Metadata.Name, _reports.TryGetValue(ObjectKey.Of(p), out var r) ? r : null))];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period, time);
        do
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (await Tick(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One round over every cached pod; re-queues the listeners whose pods changed.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var listed = pods.Cache.List().Where(Counts).ToList();
        foreach (var gone in _reports.Keys.Except(listed.Select(ObjectKey.Of)).ToList())
        {
            _reports.TryRemove(gone, out _);
        }

        await Parallel.ForEachAsync(listed, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (pod, ct) =>
        {
            var report = await AskAsync(pod, ct).ConfigureAwait(false);
            var key = ObjectKey.Of(pod);
            var known = _reports.TryGetValue(key, out var before);
            _reports[key] = report;
            if (!known || !SameServing(before, report))
            {
                changed(new ResourceKey(MtlsListener.KindName, pod.Metadata.NamespaceProperty, ListenerOf(pod)!));
            }
        }).ConfigureAwait(false);
    }

    private async Task<SidecarReport?> AskAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        if (pod.Status?.PodIP is not { Length: > 0 } ip || pod.Status.Phase != "Running")
        {
            return null;
        }

        var port = pod.Spec.Containers.FirstOrDefault(c => c.Name == InjectionNames.SidecarContainer)?.Ports?
            .FirstOrDefault(p => p.Name == InjectionNames.StatusPortName)?.ContainerPort;
        if (port is null)
        {
            return null;
        }

        var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await s_http.GetAsync(new Uri($"http://{host}:{port}/status"), deadline.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? SidecarReport.Parse(await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false)) : null;
        }
        catch (Exception e) when ((e is HttpRequestException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            LogSidecarStatusUnread(logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, e.Message);
            return null;
        }
    }

    /// <summary>Only what the rollout counts: a change in reload counters or times alone re-queues nothing.</summary>
    private static bool SameServing(SidecarReport? a, SidecarReport? b) =>
        (a is null && b is null) || (a is not null && b is not null && a.ServedContentHash == b.ServedContentHash
                                     && a.RejectedContentHash == b.RejectedContentHash && a.RejectedError == b.RejectedError);

    /// <summary>Pods that are (or will be) serving: not finished and not being deleted (a draining pod no longer takes new connections).</summary>
    public static bool Counts(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed") && ListenerOf(pod) is not null;

    public static string? ListenerOf(V1Pod pod) =>
        pod.Metadata.Annotations is { } a && a.TryGetValue(InjectionNames.ListenerAnnotation, out var name) && !string.IsNullOrWhiteSpace(name) ? name.Trim() : null;

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sidecar status of pod {Namespace}/{Pod} not read: {Error}")]
    private static partial void LogSidecarStatusUnread(ILogger logger, string? @namespace, string pod, string error);
}
