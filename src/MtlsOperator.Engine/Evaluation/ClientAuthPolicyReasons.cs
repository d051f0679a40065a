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

    // Listed, not blocking.
    public const string DuplicatePin = "DuplicatePin";
    public const string DuplicateRule = "DuplicateRule";
    public const string PinnedCertificateIsCa = "PinnedCertificateIsCa";
    public const string PinnedCertificateExpired = "PinnedCertificateExpired";
    public const string PinnedCertificateNotInBundle = "PinnedCertificateNotInBundle";
    public const string PrivateKeyInSource = "PrivateKeyInSource";
}
