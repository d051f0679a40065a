using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Cli;

/// <summary>Process exit codes, stable for scripts and GitOps pre-flight checks.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotReady = 1;
    public const int BadInput = 2;

    // check and thumbprint --connect: one code per failure class (docs/check.md); when several apply, the first in this list decides.
    public const int ConnectionRefused = 10;
    public const int Timeout = 11;
    public const int HandshakeFailed = 12;
    public const int Expired = 13;
    public const int WrongName = 14;
    public const int Untrusted = 15;
    public const int ClientRefused = 16;
    public const int HttpError = 17;
    public const int NotLive = 18;

    /// <summary>The exit code of a check whose decisive failure is <paramref name="failure"/> (0 for none).</summary>
    public static int Of(CheckFailure? failure) => failure switch
    {
        null => Ok,
        CheckFailure.ConnectionRefused => ConnectionRefused,
        CheckFailure.Timeout => Timeout,
        CheckFailure.HandshakeFailed => HandshakeFailed,
        CheckFailure.Expired => Expired,
        CheckFailure.WrongName => WrongName,
        CheckFailure.Untrusted => Untrusted,
        CheckFailure.ClientRefused => ClientRefused,
        CheckFailure.HttpError => HttpError,
        _ => NotLive,
    };
}
