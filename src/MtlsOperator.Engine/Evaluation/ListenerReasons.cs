namespace MtlsOperator.Engine.Evaluation;

/// <summary>Reasons on an MtlsListener's <c>Ready</c> condition.</summary>
public static class ListenerReasons
{
    public const string Rendered = "Rendered";
    public const string InvalidSpec = "InvalidSpec";
    public const string UnknownProxy = "UnknownProxy";
    public const string CrossNamespaceReference = "CrossNamespaceReference";
    public const string ServerCertificateNotFound = "ServerCertificateNotFound";
    public const string ServerCertificateNotReady = "ServerCertificateNotReady";
    public const string DuplicateHostname = "DuplicateHostname";
    public const string ClientAuthPolicyNotFound = "ClientAuthPolicyNotFound";
    public const string ClientAuthPolicyNotReady = "ClientAuthPolicyNotReady";
    public const string PinNotEnforceable = "PinNotEnforceable";
    public const string PolicyNotEnforceable = "PolicyNotEnforceable";

    /// <summary>The rendered configuration would exceed a limit of the proxy's config syntax, so the proxy would not start.</summary>
    public const string ProxyLimitExceeded = "ProxyLimitExceeded";
    public const string OutputConflict = "OutputConflict";
}
