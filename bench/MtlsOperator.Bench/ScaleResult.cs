namespace MtlsOperator.Bench;

/// <summary>Everything measured at one N in one run.</summary>
internal sealed record ScaleResult
{
    public required int Listeners { get; init; }
    public double BaseRssMiB { get; init; }
    public TimeSpan CeilingWrites { get; init; }
    public int CeilingLoops { get; init; }
    public TimeSpan? ColdReady { get; init; }
    public double ColdReconciles { get; init; }
    /// <summary>Managed bytes the cold start allocated until all Ready (the runtime's own counter), in MiB.</summary>
    public double ColdAllocatedMiB { get; init; }
    /// <summary>Reconciles of the cold start (until settled) that threw and were retried with backoff.</summary>
    public double ColdFailedReconciles { get; init; }
    public int ColdWrites { get; init; }
    public int ColdRequests { get; init; }
    public IReadOnlyDictionary<string, int> ColdRequestsByCall { get; init; } = new Dictionary<string, int>();
    public double ColdCpu { get; init; }

    /// <summary>CPU seconds this process (the test API server and the polling; the raw write loop has finished by then) used
    /// during the cold start: what of the two cores the operator did not have.</summary>
    public double ColdServerCpu { get; init; }

    /// <summary>ServerCertificate evaluations run (by owners and listeners, not reused) until all Ready, and during the restart and the warm fan-out.</summary>
    public double ColdCertificateEvaluations { get; init; }

    public double RestartCertificateEvaluations { get; init; }

    public double FanOutCertificateEvaluations { get; init; }

    /// <summary>ClientAuthPolicy evaluations run and reused during the warm fan-out: a bundle change should cost one evaluation of
    /// its policy (per second of fan-out, the shared results' lifetime), however many listeners share the policy.</summary>
    public double FanOutPolicyEvaluations { get; init; }

    public double FanOutPoliciesReused { get; init; }

    /// <summary>The cold start's GC pauses and JIT compilation until all Ready (the runtime's own counters), in seconds. The JIT's is
    /// elapsed time inside the compiler, waits for a core included: at 1,000 and 10,000 listeners the same ~10,000 methods are compiled.</summary>
    public double ColdGcPause { get; init; }

    public double ColdJit { get; init; }

    /// <summary>Reconciles of the resync answered from memory (inputs unchanged since a reconcile that wrote nothing).</summary>
    public double ResyncConverged { get; init; }
    public double ColdPeakRssMiB { get; init; }
    public double ColdSettledRssMiB { get; init; }
    public double ColdHeapMiB { get; init; }
    public double FullScrapeCpu { get; init; }
    public int FullScrapeLines { get; init; }
    public int SteadyWrites { get; init; }
    /// <summary>The steady-state writes themselves (call and answer), so a row that is not 0 says what was written.</summary>
    public IReadOnlyList<string> SteadyWriteCalls { get; init; } = [];
    public FanOut.Result? FanOutCold { get; init; }
    public FanOut.Result? FanOutWarm { get; init; }
    public TimeSpan? Restart { get; init; }
    public int RestartWrites { get; init; }
    public int RestartRequests { get; init; }
    public double RestartCpu { get; init; }
    public double RestartPeakRssMiB { get; init; }
    public double RestartSettledRssMiB { get; init; }

    /// <summary>Where the restart's CPU went, from the runtime's own counters: GC pauses and JIT compilation, in seconds, and
    /// what it allocated.</summary>
    public double RestartGcPause { get; init; }

    public double RestartJit { get; init; }

    public double RestartAllocatedMiB { get; init; }
    public TimeSpan? Resync { get; init; }
    public int ResyncWrites { get; init; }
    public double ResyncCpu { get; init; }
    public double UnrelatedSettledRssMiB { get; init; }
    public int UnrelatedWrites { get; init; }
    public TimeSpan? FaultReady { get; init; }
    public RenderCheck.Result? FaultCheck { get; init; }
    public string? FaultNote { get; init; }

    public double CeilingPerSecond => Listeners / CeilingWrites.TotalSeconds;

    public double ReadyToCeiling => ColdReady is { } ready ? ready / CeilingWrites : double.NaN;
}
