namespace MtlsOperator.Runtime;

/// <summary>Which Lease to contend for, as whom, and the timing (defaults: client-go's 15 s / 10 s / 2 s).</summary>
public sealed record LeaseElectionOptions(string Namespace, string LeaseName, string Identity)
{
    /// <summary>How long others wait after the last renewal before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>On a voluntary stop, clear the holder so a standby takes over at once instead of after the lease expires.</summary>
    public bool ReleaseOnStop { get; init; } = true;
}
