using System.Globalization;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Keeps one CRL per issuer (<see cref="CrlChoice"/>) and reports every CRL left out: why, and what that means for the proxies.</summary>
internal static class TrustBundleCrlChoice
{
    /// <summary>The CRL to render for one issuer's CRLs, or null when the set is refused (a blocking finding says why).</summary>
    public static MatchedCrl? Choose(IReadOnlyList<MatchedCrl> crls, Findings findings)
    {
        var result = CrlChoice.Choose(crls, m => m.Crl);
        foreach (var (crl, fate, other) in result.Verdicts)
        {
            Report(crl, fate, other, findings);
        }

        return result.Chosen;
    }

    private static void Report(MatchedCrl crl, CrlFate fate, MatchedCrl? other, Findings findings)
    {
        var issuer = $"\"{crl.Crl.Issuer}\"";
        switch (fate)
        {
            case CrlFate.Superseded:
                findings.Add(crl.Source, TrustBundleReasons.SupersededCrl,
                    $"{Describe(crl)} is an older CRL from {issuer} than {Describe(other!)} and was left out: proxies use one CRL per CA, so only the newer one " +
                    "is enforced. A certificate revoked only in the older CRL is admitted again (normal when the CA released it from hold). Remove the older CRL.",
                    blocking: false);
                break;
            case CrlFate.DeltaIncluded:
                findings.Add(crl.Source, TrustBundleReasons.DeltaCrlIncluded,
                    $"{Describe(crl)} is a delta CRL from {issuer} that the complete {Describe(other!)} already includes (its CRL Number is not lower); " +
                    "it was left out. Remove it.", blocking: false);
                break;
            case CrlFate.DeltaChangesNothing:
                findings.Add(crl.Source, TrustBundleReasons.DeltaCrlChangesNothing,
                    $"{Describe(crl)} is a delta CRL from {issuer}; every certificate it revokes is already revoked by the complete {Describe(other!)} and it " +
                    "releases none of them, so it was left out (HAProxy and nginx cannot apply delta CRLs) and the same certificates are refused.", blocking: false);
                break;
            case CrlFate.DeltaNotEnforceable:
                findings.Add(crl.Source, TrustBundleReasons.DeltaCrlNotEnforceable,
                    $"{Describe(crl)} is a delta CRL from {issuer}{BaseNote(crl, other!)} that revokes or releases certificates the complete {Describe(other!)} " +
                    "does not. HAProxy and nginx cannot apply delta CRLs (OpenSSL would use it in place of the complete CRL and admit clients revoked there), " +
                    "so this bundle is not rendered. Give only complete CRLs (AD CS: the base CRL; disable delta CRLs or publish a new base), or remove the " +
                    "delta until the next complete CRL includes its changes.", blocking: true);
                break;
            case CrlFate.DeltaWithoutBase:
                findings.Add(crl.Source, TrustBundleReasons.DeltaCrlWithoutBase,
                    $"{Describe(crl)} is a delta CRL from {issuer}, which lists only changes since its base CRL (number {Number(crl.Crl.Extensions.DeltaBase)}), " +
                    "and no complete CRL of that CA is given; OpenSSL would use it as if complete and admit every client revoked in the base. Add the CA's " +
                    "complete CRL and remove the delta.", blocking: true);
                break;
            case CrlFate.Undecided:
                findings.Add(crl.Source, TrustBundleReasons.AmbiguousCrls,
                    $"{Describe(crl)} and {Describe(other!)} are different CRLs from {issuer} that neither CRL Number nor thisUpdate orders, so which one " +
                    "holds the current revocations cannot be told (a proxy would take whichever comes first). Keep only the CA's current CRL.", blocking: true);
                break;
        }
    }

    /// <summary>E.g. <c>spec.crls[1] (CRL Number 7, thisUpdate 2026-12-01 10:00:00 UTC)</c>.</summary>
    internal static string Describe(MatchedCrl crl) =>
        $"{crl.Source} (CRL Number {Number(crl.Crl.Extensions.Number)}, thisUpdate {TrustBundleCertificates.Format(crl.Crl.ThisUpdate)})";

    /// <summary>A CRL Number in decimal, or "none".</summary>
    internal static string Number(System.Numerics.BigInteger? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "none";

    private static string BaseNote(MatchedCrl delta, MatchedCrl complete) =>
        delta.Crl.Extensions.DeltaBase is { } b && (complete.Crl.Extensions.Number is not { } m || b > m)
            ? $" (it updates complete CRL number {Number(b)}, which is not in the bundle)"
            : "";
}
