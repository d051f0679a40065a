namespace MtlsOperator.Engine.Evaluation;

/// <summary>Everything an evaluation may depend on besides the resource itself: the world and the time.</summary>
/// <param name="Lookup">Referenced objects.</param>
/// <param name="Now">The one clock the engine reads.</param>
/// <param name="AllowBootstrapGeneration">Whether a missing self-signed bootstrap certificate may be generated now
/// (true when evaluating a ServerCertificate itself; false when a listener merely consumes one).</param>
public sealed record EvaluationContext(IResourceLookup Lookup, DateTimeOffset Now, bool AllowBootstrapGeneration = true)
{
    /// <summary>Signers the controller may submit Kubernetes CertificateSigningRequests to (spec.csr.signingRequest); null allows any
    /// (offline render, which shows what the controller would do once allowed).</summary>
    public IReadOnlySet<string>? AllowedSigners { get; init; }

    /// <summary>CRLs the shell downloaded for bundles' URLs; none by default (then every URL is "not fetched yet").</summary>
    public CrlDistribution.ICrlDownloads CrlDownloads { get; init; } = CrlDistribution.CrlDownloads.NotFetching("This evaluation was given no downloaded CRLs.");

    /// <summary>Default window before expiry in which a certificate is reported as expiring soon.</summary>
    public static readonly TimeSpan DefaultExpiryWarning = TimeSpan.FromDays(30);
}
