namespace MtlsOperator.Engine.Evaluation;

/// <summary>Reasons on a TrustBundle's <c>Ready</c> condition and its problems. Blocking ones make Ready=False and keep the last good ConfigMap;
/// the others are listed while the bundle is still rendered: each names what was left out of the output and what that changes.</summary>
public static class TrustBundleReasons
{
    public const string Rendered = "Rendered";
    public const string RenderedWithProblems = "RenderedWithProblems";

    // Blocking: the bundle cannot be read as written, or using it would lock everyone out.
    public const string InvalidSpec = "InvalidSpec";
    public const string NoSources = "NoSources";
    public const string MalformedCertificate = "MalformedCertificate";
    public const string NoUsableCertificateAuthority = "NoUsableCertificateAuthority";
    public const string MalformedCrl = "MalformedCrl";
    public const string CrlIssuerNotInBundle = "CrlIssuerNotInBundle";
    public const string CrlSignatureInvalid = "CrlSignatureInvalid";
    public const string CrlExpired = "CrlExpired";
    public const string CrlNotYetValid = "CrlNotYetValid";
    public const string CrlSignatureUnsupported = "CrlSignatureUnsupported";
    public const string CrlUnhandledCriticalExtension = "CrlUnhandledCriticalExtension";
    public const string CrlIssuingDistributionPoint = "CrlIssuingDistributionPoint";
    public const string CrlIndirect = "CrlIndirect";
    public const string CrlAuthorityKeyMismatch = "CrlAuthorityKeyMismatch";
    public const string AmbiguousCrls = "AmbiguousCrls";
    public const string DeltaCrlNotEnforceable = "DeltaCrlNotEnforceable";
    public const string DeltaCrlWithoutBase = "DeltaCrlWithoutBase";

    /// <summary>A CRL URL has not been fetched yet (or this shell does not fetch); no CRL from it is held.</summary>
    public const string CrlNotFetched = "CrlNotFetched";

    /// <summary>A CRL URL could not be fetched and no verified CRL from it is held.</summary>
    public const string CrlFetchFailed = "CrlFetchFailed";

    // Listed, not blocking.
    public const string NotACertificateAuthority = "NotACertificateAuthority";
    public const string Expired = "Expired";
    public const string NotYetValid = "NotYetValid";
    public const string IntermediateWithoutRoot = "IntermediateWithoutRoot";
    public const string MissingKeyCertSign = "MissingKeyCertSign";
    public const string DuplicateCertificate = "DuplicateCertificate";
    public const string DuplicateCrl = "DuplicateCrl";
    public const string SupersededCrl = "SupersededCrl";
    public const string DeltaCrlIncluded = "DeltaCrlIncluded";
    public const string DeltaCrlChangesNothing = "DeltaCrlChangesNothing";
    public const string UnexpectedPemBlock = "UnexpectedPemBlock";
    public const string PrivateKeyInSource = "PrivateKeyInSource";
    public const string CrlDistributionPointUnusable = "CrlDistributionPointUnusable";

    // CrlsFetched condition.
    public const string CrlsFetched = "CrlsFetched";
}
