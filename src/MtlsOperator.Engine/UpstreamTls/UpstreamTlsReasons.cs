namespace MtlsOperator.Engine.UpstreamTls;

/// <summary>Reasons an MtlsListener reports about spec.upstreamTls: on Ready when it cannot be rendered, on UpstreamVerified always.</summary>
public static class UpstreamTlsReasons
{
    /// <summary>Ready=False: the upstream's TrustBundle does not exist (yet).</summary>
    public const string TrustBundleNotFound = "UpstreamTrustBundleNotFound";

    /// <summary>Ready=False: the upstream's TrustBundle is not Ready.</summary>
    public const string TrustBundleNotReady = "UpstreamTrustBundleNotReady";

    /// <summary>Ready=False: the Secret with the certificate to present upstream does not exist (yet).</summary>
    public const string ClientCertificateNotFound = "UpstreamClientCertificateNotFound";

    /// <summary>Ready=False: that Secret holds nothing a proxy can present (no certificate, key mismatch, expired, no clientAuth, weak).</summary>
    public const string ClientCertificateInvalid = "UpstreamClientCertificateInvalid";

    /// <summary>UpstreamVerified=True: the proxy verifies the upstream's chain and name.</summary>
    public const string Verified = "Verified";

    /// <summary>UpstreamVerified=False: insecureSkipVerify turned verification off.</summary>
    public const string VerificationDisabled = "VerificationDisabled";
}
