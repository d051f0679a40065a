namespace TestApiServer;

/// <summary>An error the server answers instead of doing the work; the body is a proper `kind: Status`.</summary>
public sealed record InjectedFailure(int Code, string Reason, string Message, int? RetryAfterSeconds = null)
{
    /// <summary>409 Conflict, as if another writer got there first.</summary>
    public static InjectedFailure Conflict { get; } = new(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again (injected)");

    /// <summary>500 InternalError.</summary>
    public static InjectedFailure InternalError { get; } = new(500, "InternalError", "Internal error occurred: injected failure");

    /// <summary>503 ServiceUnavailable.</summary>
    public static InjectedFailure ServiceUnavailable { get; } = new(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected)", 1);

    /// <summary>429 TooManyRequests with a Retry-After header, as API priority and fairness answers.</summary>
    public static InjectedFailure TooManyRequests(int retryAfterSeconds = 1) =>
        new(429, "TooManyRequests", "Too many requests, please try again later. (injected)", retryAfterSeconds);
}
