namespace MtlsOperator.Cli;

/// <summary>Process exit codes, stable for scripts and GitOps pre-flight checks.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotReady = 1;
    public const int BadInput = 2;
}
