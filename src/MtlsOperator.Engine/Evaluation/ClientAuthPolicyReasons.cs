namespace MtlsOperator.Engine.Evaluation;

/// <summary>Reasons on a ClientAuthPolicy's <c>Ready</c> condition and its problems. Blocking ones make Ready=False and leave
/// <see cref="ClientAuthPolicyEvaluation.Admission"/> null, so listeners keep their last good output.</summary>
public static class ClientAuthPolicyReasons
{
    public const string Accepted = "Accepted";
    public const string AcceptedWithProblems = "AcceptedWithProblems";

    // Blocking.
    public const string InvalidSpec = "InvalidSpec";
    public const string InvalidPin = "InvalidPin";
    public const string InvalidRule = "InvalidRule";
    public const string NoClientsAdmitted = "NoClientsAdmitted";

    /// <summary>A spec.paths entry with a malformed or repeated prefix, or with neither pins nor rules.</summary>
    public const string InvalidPath = "InvalidPath";
    public const string TrustBundleNotFound = "TrustBundleNotFound";
    public const string TrustBundleNotReady = "TrustBundleNotReady";
    public const string CrlRequired = "CrlRequired";

    /// <summary>An issuer rule names no CA certificate of the bundle, so it cannot mean "issued by this CA".</summary>
    public const string RuleIssuerNotInBundle = "RuleIssuerNotInBundle";

    /// <summary>Another CA of the bundle could issue a CA of the rule's issuer name (or the name belongs to unrelated CAs).</summary>
    public const string AmbiguousIssuer = "AmbiguousIssuer";

    /// <summary>A pinned IssuedClientCertificate does not exist (yet), or has no certificate in its Secret yet.</summary>
    public const string IssuedCertificateNotFound = "IssuedCertificateNotFound";

    // Listed, not blocking.

    /// <summary>A pinned IssuedClientCertificate is revoked; its certificates are refused by the CRL, or no longer pinned.</summary>
    public const string PinnedCertificateRevoked = "PinnedCertificateRevoked";

    /// <summary>A pinned IssuedClientCertificate's CA has no CRL this policy checks, so a revocation would not reach the proxies through the CRL.</summary>
    public const string RevocationNotChecked = "RevocationNotChecked";

    public const string DuplicatePin = "DuplicatePin";
    public const string DuplicateRule = "DuplicateRule";
    public const string PinnedCertificateIsCa = "PinnedCertificateIsCa";
    public const string PinnedCertificateExpired = "PinnedCertificateExpired";
    public const string PinnedCertificateNotInBundle = "PinnedCertificateNotInBundle";
    public const string PrivateKeyInSource = "PrivateKeyInSource";
}
