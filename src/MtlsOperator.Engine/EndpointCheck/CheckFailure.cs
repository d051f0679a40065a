namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>The kinds of failure a check reports, each with its own exit code. Declared in precedence order: when several
/// apply, the first one decides the exit code (every one is still reported).</summary>
public enum CheckFailure
{
    ConnectionRefused,
    Timeout,
    HandshakeFailed,
    Expired,
    WrongName,
    Untrusted,
    ClientRefused,
    HttpError,
    NotLive,
}

/// <summary>One reported failure: its kind and the line a person reads.</summary>
public sealed record CheckFinding(CheckFailure Failure, string Message);

/// <summary>The spellings of <see cref="CheckFailure"/> in output (JSON and table).</summary>
public static class CheckFailureNames
{
    public static string Of(CheckFailure failure) => failure switch
    {
        CheckFailure.ConnectionRefused => "connection-refused",
        CheckFailure.Timeout => "timeout",
        CheckFailure.HandshakeFailed => "handshake-failed",
        CheckFailure.Expired => "expired",
        CheckFailure.WrongName => "wrong-name",
        CheckFailure.Untrusted => "untrusted",
        CheckFailure.ClientRefused => "client-refused",
        CheckFailure.HttpError => "http-error",
        _ => "not-live",
    };
}
