using System.Diagnostics;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>
/// Waits for the states the benchmark measures, sampling the operator's memory while it waits. The store is polled
/// often (cheap, in the server's process); the operator's /metrics every quarter second, asking only for the families the
/// bench reads (a full scrape renders a series per resource and would cost the operator CPU counted as its own work).
/// </summary>
internal static class Convergence
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MetricsPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls until <paramref name="done"/> or the deadline; returns the elapsed time, or null on timeout.</summary>
    public static async Task<TimeSpan?> UntilAsync(OperatorProcess op, Func<Task<bool>> done, TimeSpan timeout, TimeSpan? poll = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (op.HasExited)
            {
                throw new InvalidOperationException("the operator process exited");
            }

            op.Sample();
            if (await done())
            {
                return clock.Elapsed;
            }

            await Task.Delay(poll ?? Poll);
        }

        return null;
    }

    /// <summary>
    /// Waits until the operator is idle: work queues empty, no failed reconcile waiting for its retry and no request reaching
    /// the server for <paramref name="quiet"/>.
    /// Returns how long after the call the quiet period began (null on timeout).
    /// </summary>
    public static async Task<TimeSpan?> SettledAsync(OperatorProcess op, TestKubeApiServer server, TimeSpan quiet, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var lastMark = server.Requests.Mark();
        var quietSince = clock.Elapsed;
        var lastScrape = -MetricsPoll;
        var idleQueues = false;
        while (clock.Elapsed < timeout)
        {
            op.Sample();
            await Task.Delay(Poll * 2);
            var mark = server.Requests.Mark();
            if (mark != lastMark)
            {
                lastMark = mark;
                quietSince = clock.Elapsed;
                idleQueues = false;
                continue;
            }

            if (clock.Elapsed - lastScrape >= MetricsPoll)
            {
                lastScrape = clock.Elapsed;
                // A failed reconcile waits out its backoff outside the queue: idle means neither queued nor waiting to retry.
                idleQueues = await op.ScrapeAsync() is { } m && m.Sum("mtls_operator_workqueue_depth") == 0 && m.Sum("mtls_operator_reconcile_retrying") == 0;
                if (!idleQueues)
                {
                    quietSince = clock.Elapsed;
                }
            }

            if (idleQueues && clock.Elapsed - quietSince >= quiet)
            {
                return quietSince;
            }
        }

        return null;
    }

    /// <summary>Waits until the operator has reconciled at least <paramref name="reconciles"/> times and is idle; the time it got there.</summary>
    public static async Task<TimeSpan?> ReconciledAsync(OperatorProcess op, TestKubeApiServer server, double reconciles, TimeSpan timeout)
    {
        var reached = await UntilAsync(op, async () =>
            await op.ScrapeAsync() is { } m && m.Sum("mtls_operator_reconcile_total") >= reconciles && m.Sum("mtls_operator_workqueue_depth") == 0
            && m.Sum("mtls_operator_reconcile_retrying") == 0, timeout, MetricsPoll);
        if (reached is null)
        {
            return null;
        }

        var settled = await SettledAsync(op, server, TimeSpan.FromSeconds(1), timeout);
        return settled is null ? null : reached + settled;
    }
}
