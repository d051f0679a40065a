using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>The <c>CrlsFetched</c> condition of a bundle with CRL URLs. Its message names absolute times only, so it changes (and causes a status
/// write) only when a URL starts or stops failing or its error or kept CRL changes, never because a fetch ran again.</summary>
internal static class CrlFetchCondition
{
    public static void Set(ConditionSet conditions, IReadOnlyList<CrlFetchStatus> fetches)
    {
        if (fetches.Count == 0)
        {
            return;
        }

        var failing = fetches.Where(f => f.Error is not null).ToList();
        if (failing.Count == 0)
        {
            conditions.Set(ConditionTypes.CrlsFetched, true, TrustBundleReasons.CrlsFetched,
                $"The latest fetch of each of the {Wording.Count(fetches.Count, "CRL URL")} gave a verified CRL.");
            return;
        }

        conditions.Set(ConditionTypes.CrlsFetched, false, TrustBundleReasons.CrlFetchFailed, string.Join(" ", failing.Select(Describe)) +
            " Until a fetch succeeds, the CRL kept is used while it is current; after its nextUpdate the bundle is not Ready.");
    }

    private static string Describe(CrlFetchStatus f)
    {
        var since = f.FailingSince is { } s ? $" (since {TrustBundleCertificates.Format(new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)))})" : "";
        var kept = f.Sha256 is null ? "no CRL from it is held"
            : $"keeping the CRL{(f.CrlNumber is { } n ? $" number {n}" : "")}" +
              (f.FetchedAt is { } at ? $" fetched {TrustBundleCertificates.Format(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)))}" : "") +
              (f.NextUpdate is { } next ? $", nextUpdate {TrustBundleCertificates.Format(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)))}" : "");
        return $"{f.Url} ({f.Source}): {f.Error}{since}; {kept}.";
    }
}
