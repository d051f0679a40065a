namespace MtlsOperator.Runtime.Throttling;

/// <summary>How the client paces its own requests to the API server and how it honours the server's pushback.</summary>
/// <remarks>
/// On a cluster with API Priority and Fairness (every supported Kubernetes version) the server decides who waits: it answers a
/// flow over its share 429 with a Retry-After, and those answers are retried after the time it asks, as client-go does. A
/// client-side limit on top of that (client-go's QPS and burst) only caps the operator below what the server would give it,
/// so it is off unless asked for.
/// </remarks>
public sealed record ClientThrottling
{
    /// <summary>client-go's bound on retries of one request answered with a Retry-After.</summary>
    public const int DefaultMaxRetries = 10;

    /// <summary>Requests per second sent at most, on average; null: no client-side limit.</summary>
    public double? Qps { get; init; }

    /// <summary>Requests that may be sent at once after a quiet spell; null: one and a half times <see cref="Qps"/>, as
    /// controller-runtime's 20/30.</summary>
    public int? Burst { get; init; }

    /// <summary>Times one request is sent again after a 429 or 5xx answer that carries a Retry-After.</summary>
    public int MaxRetries { get; init; } = DefaultMaxRetries;

    /// <summary>The longest Retry-After honoured by waiting; a longer one is handed back to the caller (whose own backoff
    /// then applies) rather than holding a worker for minutes.</summary>
    public TimeSpan LongestRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The burst in effect (null when there is no client-side limit).</summary>
    public int? EffectiveBurst => Qps is { } qps ? Burst ?? (int)Math.Clamp(Math.Ceiling(qps * 1.5), 1, int.MaxValue) : null;
}
