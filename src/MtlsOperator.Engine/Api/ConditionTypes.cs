namespace MtlsOperator.Engine.Api;

/// <summary>Condition types shared by all kinds.</summary>
public static class ConditionTypes
{
    /// <summary>Top-level health that kstatus, Flux and Argo CD read.</summary>
    public const string Ready = "Ready";

    /// <summary>kstatus: True when the resource cannot make progress until a person changes it (Flux and kstatus read it as Failed).</summary>
    public const string Stalled = "Stalled";

    /// <summary>kstatus: True while the resource waits for a referenced object to appear or become Ready.</summary>
    public const string Reconciling = "Reconciling";

    /// <summary>On a TrustBundle with CRLs: True while a CRL is within its warning window of nextUpdate (or past it).</summary>
    public const string CrlExpiringSoon = "CrlExpiringSoon";

    /// <summary>On a TrustBundle with CRL URLs: True while the latest fetch of every URL gave a usable CRL; False names each URL that failed,
    /// its error and the CRL kept meanwhile.</summary>
    public const string CrlsFetched = "CrlsFetched";

    /// <summary>MtlsListener: every injected pod's sidecar serves the current output (status.contentHash).</summary>
    public const string Served = "Served";

    /// <summary>MtlsListener with spec.upstreamTls: True when the proxy verifies the upstream's certificate, False when
    /// insecureSkipVerify turned that off.</summary>
    public const string UpstreamVerified = "UpstreamVerified";
}
