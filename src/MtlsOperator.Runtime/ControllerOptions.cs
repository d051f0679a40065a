namespace MtlsOperator.Runtime;

/// <summary>How many workers a controller runs and how it stops.</summary>
public sealed record ControllerOptions
{
    /// <summary>Keys reconciled in parallel (never the same key twice at once).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>On shutdown, how long in-flight reconciles may finish before their token is cancelled.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Backoff for failed keys; null means client-go's default controller limiter.</summary>
    public IRateLimiter<ObjectKey>? RateLimiter { get; init; }
}
