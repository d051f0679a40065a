using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>All measurements at one N, in one run: the same server answers the raw write loop and the operator.</summary>
internal sealed class ScaleRun(BenchOptions options, TextWriter log)
{
    private const double MiB = 1024 * 1024;

    public async Task<ScaleResult> RunAsync(int n)
    {
        var work = Path.Combine(options.WorkDirectory, $"n{n}");
        Directory.CreateDirectory(work);
        var clock = Stopwatch.StartNew();
        var world = new BenchWorld(n);
        Say($"N={n}: generated {n} server certificates in {clock.Elapsed.TotalSeconds:F1}s");

        var baseRss = await BaseRssAsync(work);
        await using var server = await StartServerAsync();
        var kubeconfig = WriteKubeconfig(work, server);
        world.Seed(server);
        var ceiling = await WriteCeiling.MeasureAsync(server, n, options.CeilingLoops);
        Say($"N={n}: raw write ceiling {n / ceiling.TotalSeconds:F0} creates/s ({ceiling.TotalSeconds:F2}s for {n})");

        var result = new ScaleResult { Listeners = n, BaseRssMiB = baseRss, CeilingWrites = ceiling, CeilingLoops = options.CeilingLoops };
        var timeout = options.Timeout;

        // 1. Cold start to all Ready.
        var mark = server.Requests.Mark();
        using var readyListeners = ClusterProbe.ReadyListeners(server);
        var serverCpu = Environment.CpuUsage.TotalTime;
        var op = StartOperator(work, kubeconfig, "cold", TimeSpan.FromHours(1));
        var ready = await Convergence.UntilAsync(op, () => Task.FromResult(readyListeners.Count == n), timeout);
        var coldCpu = op.CpuSeconds;
        var coldServerCpu = (Environment.CpuUsage.TotalTime - serverCpu).TotalSeconds;
        var coldMark = server.Requests.Mark();
        var coldCounts = server.Requests.CountsSince(mark);
        var coldWrites = server.Requests.WritesSince(mark).Count;
        var metrics = await op.ScrapeAsync();
        result = result with
        {
            ColdReady = ready,
            ColdCpu = coldCpu,
            ColdServerCpu = coldServerCpu,
            ColdRequests = (int)(coldMark - mark),
            ColdRequestsByCall = coldCounts,
            ColdWrites = coldWrites,
            ColdReconciles = metrics?.Sum("mtls_operator_reconcile_total") ?? 0,
            ColdCertificateEvaluations = CertificateEvaluations(metrics),
            ColdAllocatedMiB = (metrics?.Sum("dotnet_gc_heap_total_allocated_bytes_total") ?? 0) / MiB,
            ColdGcPause = metrics?.Sum("dotnet_gc_pause_time_seconds_total") ?? 0,
            ColdJit = metrics?.Sum("dotnet_jit_compilation_time_seconds_total") ?? 0,
        };
        Say($"N={n}: cold start all Ready in {Seconds(ready)} ({result.ColdReconciles} reconciles, {coldWrites} writes, {result.ColdRequests} requests, {coldCpu:F1} CPU-s, {result.ColdAllocatedMiB:N0} MiB allocated; server and bench {coldServerCpu:F1} CPU-s)");
        await Convergence.SettledAsync(op, server, TimeSpan.FromSeconds(2), timeout);
        metrics = await op.ScrapeAsync();
        result = result with
        {
            ColdPeakRssMiB = op.PeakRss / MiB,
            ColdSettledRssMiB = op.Rss / MiB,
            ColdHeapMiB = (metrics?.Sum("dotnet_gc_last_collection_heap_size_bytes") ?? 0) / MiB,
            ColdFailedReconciles = metrics?.Sum("mtls_operator_reconcile_total", "result=\"error\"") ?? 0,
        };

        // What one full scrape (every resource's series, as Prometheus asks) costs the settled operator.
        var scrapeCpu = op.CpuSeconds;
        var full = await op.ScrapeAsync(full: true);
        result = result with { FullScrapeCpu = op.CpuSeconds - scrapeCpu, FullScrapeLines = full?.Lines ?? 0 };

        // Steady state: nothing changes, nothing is written.
        var steady = server.Requests.Mark();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var steadyWrites = server.Requests.WritesSince(steady);
        result = result with { SteadyWrites = steadyWrites.Count, SteadyWriteCalls = steadyWrites.Select(w => $"{w.Call} → {w.StatusCode}").ToList() };
        if (steadyWrites.Count > 0)
        {
            Say($"N={n}: {steadyWrites.Count} writes at steady state: {string.Join("; ", result.SteadyWriteCalls.Take(20))}");
        }

        // 4. Fan-out, twice: the second is warm.
        var fanOutCold = await FanOut.MeasureAsync(server, op, world, timeout);
        var beforeWarm = await op.ScrapeAsync();
        var fanOutWarm = await FanOut.MeasureAsync(server, op, world, timeout);
        var afterWarm = await op.ScrapeAsync();
        result = result with
        {
            FanOutCold = fanOutCold,
            FanOutWarm = fanOutWarm,
            FanOutCertificateEvaluations = CertificateEvaluations(afterWarm) - CertificateEvaluations(beforeWarm),
            FanOutPolicyEvaluations = PolicyEvaluations(afterWarm, "evaluated") - PolicyEvaluations(beforeWarm, "evaluated"),
            FanOutPoliciesReused = PolicyEvaluations(afterWarm, "reused") - PolicyEvaluations(beforeWarm, "reused"),
        };
        Say($"N={n}: fan-out to {fanOutWarm.Dependents}: p50 {fanOutWarm.P50.TotalSeconds:F2}s p99 {fanOutWarm.P99.TotalSeconds:F2}s ({fanOutWarm.Reconciles} reconciles, {fanOutWarm.Writes} writes)");
        await op.DisposeAsync();

        // 2. Restart on a converged world, then one full resync.
        var resync = TimeSpan.FromSeconds(Math.Clamp((ready ?? timeout).TotalSeconds * 1.5, 20, 300));
        mark = server.Requests.Mark();
        op = StartOperator(work, kubeconfig, "restart", resync);
        var restarted = await Convergence.ReconciledAsync(op, server, world.CustomResources, timeout);
        var restartCpu = op.CpuSeconds;
        var restartMetrics = await op.ScrapeAsync();
        result = result with
        {
            RestartCertificateEvaluations = CertificateEvaluations(restartMetrics),
            Restart = restarted,
            RestartCpu = restartCpu,
            RestartWrites = server.Requests.WritesSince(mark).Count,
            RestartRequests = (int)(server.Requests.Mark() - mark),
            RestartPeakRssMiB = op.PeakRss / MiB,
            RestartSettledRssMiB = op.Rss / MiB,
            RestartGcPause = restartMetrics?.Sum("dotnet_gc_pause_time_seconds_total") ?? 0,
            RestartJit = restartMetrics?.Sum("dotnet_jit_compilation_time_seconds_total") ?? 0,
            RestartAllocatedMiB = (restartMetrics?.Sum("dotnet_gc_heap_total_allocated_bytes_total") ?? 0) / MiB,
        };
        Say($"N={n}: restart converged in {Seconds(restarted)} ({result.RestartWrites} writes, {restartCpu:F1} CPU-s)");
        var reconciled = restartMetrics?.Sum("mtls_operator_reconcile_total") ?? 0;
        var converged = restartMetrics?.Sum("mtls_operator_reconcile_converged_total") ?? 0;
        mark = server.Requests.Mark();
        // The resync's CPU is counted from just before it is due, not from its first reconcile seen on /metrics: while the burst
        // keeps both cores busy a scrape can wait seconds for a thread, so "first seen" came near its end and the burst went uncounted.
        var due = op.Started + resync;
        if (due - TimeSpan.FromSeconds(1) - DateTime.UtcNow is { Ticks: > 0 } untilDue)
        {
            await Task.Delay(untilDue);
        }

        var cpu = op.CpuSeconds;
        var resyncStarted = await Convergence.UntilAsync(op, async () => ((await op.ScrapeAsync())?.Sum("mtls_operator_reconcile_total") ?? 0) > reconciled, resync + timeout, Convergence.MetricsPoll);
        var resynced = await Convergence.ReconciledAsync(op, server, reconciled + world.CustomResources, timeout);
        var resyncEnd = DateTime.UtcNow;
        result = result with { ResyncConverged = ((await op.ScrapeAsync())?.Sum("mtls_operator_reconcile_converged_total") ?? 0) - converged };
        result = result with { Resync = resynced is null ? null : resyncEnd - due, ResyncCpu = op.CpuSeconds - cpu, ResyncWrites = server.Requests.WritesSince(mark).Count };
        Say($"N={n}: resync took {Seconds(resynced)} ({result.ResyncWrites} writes, {result.ResyncCpu:F1} CPU-s){(resyncStarted is null ? " (never started)" : "")}");
        await op.DisposeAsync();

        // 3. Memory again with unrelated Secrets in the cluster.
        SeedUnrelated(server, options.UnrelatedSecrets);
        mark = server.Requests.Mark();
        op = StartOperator(work, kubeconfig, "unrelated", TimeSpan.FromHours(1));
        await Convergence.ReconciledAsync(op, server, world.CustomResources, timeout);
        result = result with { UnrelatedSettledRssMiB = op.Rss / MiB, UnrelatedWrites = server.Requests.WritesSince(mark).Count };
        Say($"N={n}: with {options.UnrelatedSecrets} unrelated Secrets settled RSS {result.UnrelatedSettledRssMiB:F0} MiB (without: {result.RestartSettledRssMiB:F0} MiB)");
        await op.DisposeAsync();

        if (options.Faults)
        {
            result = await FaultsAsync(world, work, result);
        }

        return result;
    }

    /// <summary>6. Cold start on a fresh server that fails 10 % of writes, drops every watch every few seconds and expires resourceVersions.</summary>
    private async Task<ScaleResult> FaultsAsync(BenchWorld world, string work, ScaleResult result)
    {
        var expected = await RenderCheck.RenderAsync(world, options.OperatorDll, Path.Combine(work, "render"));
        await using var server = await StartServerAsync();
        var kubeconfig = WriteKubeconfig(work, server);
        world.Seed(server);
        server.Faults.FailFraction(0.05, InjectedFailure.Conflict, RequestMatch.Writes(), seed: 12);
        server.Faults.FailFraction(0.05 / 0.95, InjectedFailure.InternalError, RequestMatch.Writes(), seed: 13);
        using var stop = new CancellationTokenSource();
        var chaos = Task.Run(async () =>
        {
            for (var tick = 1; !stop.IsCancellationRequested; tick++)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(3), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                if (tick % 3 == 0)
                {
                    server.Faults.ExpireResourceVersions();
                }

                server.Faults.DropAllWatches();
            }
        });
        using var readyListeners = ClusterProbe.ReadyListeners(server);
        var op = StartOperator(work, kubeconfig, "faults", TimeSpan.FromHours(1));
        RenderCheck.Result? check = null;
        var converged = await Convergence.UntilAsync(op, () =>
        {
            if (readyListeners.Count != world.Listeners)
            {
                return Task.FromResult(false);
            }

            check = RenderCheck.Compare(server, expected);
            return Task.FromResult(check.Holds);
        }, options.Timeout);
        await stop.CancelAsync();
        await chaos;
        server.Faults.Clear();
        await Convergence.SettledAsync(op, server, TimeSpan.FromSeconds(2), options.Timeout);
        check = RenderCheck.Compare(server, expected);
        await op.DisposeAsync();
        Say($"N={world.Listeners}: under faults converged in {Seconds(converged)}; {check}");
        return result with { FaultReady = converged, FaultCheck = check };
    }

    /// <summary>The operator's RSS against an empty cluster, once its caches have synced: the base every listener adds to.</summary>
    private async Task<double> BaseRssAsync(string work)
    {
        await using var server = await StartServerAsync();
        var kubeconfig = WriteKubeconfig(work, server);
        await using var op = StartOperator(work, kubeconfig, "empty", TimeSpan.FromHours(1));
        await Convergence.UntilAsync(op, async () => await op.ScrapeAsync() is not null, options.Timeout);
        await Convergence.SettledAsync(op, server, TimeSpan.FromSeconds(2), options.Timeout);
        return op.Rss / MiB;
    }

    private static Task<TestKubeApiServer> StartServerAsync() =>
        TestKubeApiServer.StartAsync(new TestKubeApiServerOptions { CustomResources = MtlsOperatorResources.All, HistoryLimit = 20_000 });

    private static void SeedUnrelated(TestKubeApiServer server, int count)
    {
        var payload = Convert.ToBase64String(new byte[2048]);
        for (var i = 0; i < count; i++)
        {
            var ns = $"unrelated-{i % 10}";
            server.OutOfBand.Create(ApiResource.Secrets, ns, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = $"unrelated-{i:D5}", ["namespace"] = ns },
                ["data"] = new JsonObject { ["payload"] = payload },
            });
        }
    }

    private static double CertificateEvaluations(Metrics? metrics) =>
        metrics?.Sum("mtls_operator_evaluations_total", "kind=\"ServerCertificate\"", "result=\"evaluated\"") ?? 0;

    /// <summary>ClientAuthPolicy evaluations (with the TrustBundles they read) run, or answered from the shared results: what
    /// shows whether a bundle change costs per policy or per listener of the policy.</summary>
    private static double PolicyEvaluations(Metrics? metrics, string result) =>
        metrics?.Sum("mtls_operator_evaluations_total", "kind=\"ClientAuthPolicy\"", $"result=\"{result}\"") ?? 0;

    private OperatorProcess StartOperator(string work, string kubeconfig, string phase, TimeSpan resync) =>
        OperatorProcess.Start(options.OperatorDll, kubeconfig, Path.Combine(work, $"operator-{phase}.log"), options.Workers, resync, options.OperatorEnvironment);

    private static string WriteKubeconfig(string work, TestKubeApiServer server)
    {
        var path = Path.Combine(work, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: bench
              cluster:
                server: {server.Url}
            users:
            - name: bench
              user:
                token: bench
            contexts:
            - name: bench
              context:
                cluster: bench
                user: bench
            current-context: bench
            """);
        return path;
    }

    private void Say(string line) => log.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private static string Seconds(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + "s" : "timeout";
}
