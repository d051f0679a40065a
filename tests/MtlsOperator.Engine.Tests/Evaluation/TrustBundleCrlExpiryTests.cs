using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>CrlExpiringSoon: a bundle warns before a CRL's nextUpdate, because after it the proxies refuse every client the CRL covers.</summary>
public sealed class TrustBundleCrlExpiryTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Expiry Root,O=Corp");

    [Fact]
    public void A_crl_within_the_default_day_of_next_update_sets_crl_expiring_soon_naming_it_and_the_time()
    {
        var nextUpdate = Now.AddHours(5);

        var condition = CrlExpiry(Evaluate(Bundle([Inline(s_root)], [Inline(s_root.CreateCrlPem(nextUpdate: nextUpdate))])));

        Assert.Equal(("True", "CrlExpiringSoon"), (condition.Status, condition.Reason));
        Assert.Contains("\"CN=Expiry Root,O=Corp\"", condition.Message, StringComparison.Ordinal);
        Assert.Contains(nextUpdate.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture), condition.Message, StringComparison.Ordinal);
        Assert.Contains("refuse every client certificate the CRL covers", condition.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_crl_outside_the_window_leaves_crl_expiring_soon_false_and_the_bundle_ready()
    {
        var result = Evaluate(Bundle([Inline(s_root)], [Inline(s_root.CreateCrlPem(nextUpdate: Now.AddDays(3)))]));

        Assert.Equal(("False", "CrlsCurrent"), (CrlExpiry(result).Status, CrlExpiry(result).Reason));
        Assert.Equal("True", Ready(result).Status);
    }

    [Theory]
    [InlineData(72, 48, true)]
    [InlineData(1, 2, false)]
    [InlineData(24, 23, true)]
    public void The_window_is_spec_crl_expiry_warning_hours(int warningHours, int hoursToNextUpdate, bool expiring)
    {
        var bundle = Bundle([Inline(s_root)], [Inline(s_root.CreateCrlPem(nextUpdate: Now.AddHours(hoursToNextUpdate)))]);
        bundle.Spec.CrlExpiryWarningHours = warningHours;

        Assert.Equal(expiring ? "True" : "False", CrlExpiry(Evaluate(bundle)).Status);
    }

    [Fact]
    public void The_message_stays_the_same_while_time_passes_so_steady_state_writes_no_status()
    {
        var bundle = Bundle([Inline(s_root)], [Inline(s_root.CreateCrlPem(nextUpdate: Now.AddHours(5)))]);
        var first = new TrustBundleEvaluator().Evaluate(bundle, Context() with { Now = Now });
        bundle.Status = first.Status;

        var later = new TrustBundleEvaluator().Evaluate(bundle, Context() with { Now = Now.AddHours(2) });

        Assert.Equal(CrlExpiry(first.Status.Conditions).Message, CrlExpiry(later.Status.Conditions).Message);
        Assert.Equal(CrlExpiry(first.Status.Conditions).LastTransitionTime, CrlExpiry(later.Status.Conditions).LastTransitionTime);
    }

    [Fact]
    public void A_bundle_without_crls_has_no_crl_expiring_soon_condition()
    {
        var result = Evaluate(Bundle([Inline(s_root)]));

        Assert.DoesNotContain(result.Status.Conditions, c => c.Type == ConditionTypes.CrlExpiringSoon);
    }

    private static k8s.Models.V1Condition CrlExpiry(TrustBundleEvaluation result) => CrlExpiry(result.Status.Conditions);

    private static k8s.Models.V1Condition CrlExpiry(IEnumerable<k8s.Models.V1Condition> conditions) => conditions.Single(c => c.Type == ConditionTypes.CrlExpiringSoon);
}
