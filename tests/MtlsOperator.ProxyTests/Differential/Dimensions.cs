namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Generator dimensions that can be switched off while the engine cannot yet get them right (each names the issue
/// part that owns the fix). The landed default runs every dimension.</summary>
public sealed record Dimensions
{
    /// <summary>Two CRLs of one CA issued in the same second (issue 7, CRL semantics).</summary>
    public bool SameSecondCrls { get; init; } = true;

    /// <summary>Base + delta CRLs (issue 7, CRL semantics).</summary>
    public bool DeltaCrls { get; init; } = true;

    /// <summary>Rules naming a literal <c>*</c> in a subject value, written escaped (issue 7, names).</summary>
    public bool LiteralStarRules { get; init; } = true;

    /// <summary>Pinning both a certificate and its renewal with the same key (issue 7, pin merging).</summary>
    public bool RenewalsBothPinned { get; init; } = true;

    /// <summary>spec.paths: prefixes with pins and rules of their own, and hostile spellings of them as request targets (issue 11 §3).</summary>
    public bool Paths { get; init; } = true;

    public static Dimensions All { get; } = new();

    /// <summary>What the suite runs: every dimension whose fix is on main. MTLS_DIFF_ALL=1 runs <see cref="All"/>.</summary>
    public static Dimensions Enabled { get; } = Environment.GetEnvironmentVariable("MTLS_DIFF_ALL") == "1"
        ? All
        : All;
}
