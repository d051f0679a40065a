using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Stalled and Reconciling follow Ready the kstatus way, for every kind alike.</summary>
public sealed class HealthConditionsTests
{
    private static readonly DateTimeOffset s_before = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ready_is_neither_stalled_nor_reconciling()
    {
        var conditions = Complete(Ready(true, "Rendered"));

        Assert.Equal(("False", "False"), (Status(conditions, ConditionTypes.Stalled), Status(conditions, ConditionTypes.Reconciling)));
    }

    [Theory]
    [InlineData(ListenerReasons.ServerCertificateNotFound)]
    [InlineData(ListenerReasons.ClientAuthPolicyNotReady)]
    [InlineData(ServerCertificateReasons.SecretNotFound)]
    [InlineData(ClientAuthPolicyReasons.TrustBundleNotFound)]
    [InlineData(DataSourceReasons.SourceNotFound)]
    public void Waiting_for_a_referenced_object_is_reconciling_not_stalled(string reason)
    {
        var conditions = Complete(Ready(false, reason));

        Assert.Equal("False", Status(conditions, ConditionTypes.Stalled));
        var reconciling = conditions.Single(c => c.Type == ConditionTypes.Reconciling);
        Assert.Equal(("True", reason, "because"), (reconciling.Status, reconciling.Reason, reconciling.Message));
    }

    [Theory]
    [InlineData(ClientAuthPolicyReasons.InvalidPin)]
    [InlineData(ListenerReasons.OutputConflict)]
    [InlineData(ServerCertificateReasons.Expired)]
    [InlineData("AReasonAddedNextYear")]
    public void Any_other_failure_is_stalled_with_the_ready_reason(string reason)
    {
        var conditions = Complete(Ready(false, reason));

        var stalled = conditions.Single(c => c.Type == ConditionTypes.Stalled);
        Assert.Equal(("True", reason, "because"), (stalled.Status, stalled.Reason, stalled.Message));
        Assert.Equal("False", Status(conditions, ConditionTypes.Reconciling));
    }

    [Fact]
    public void Transition_time_is_kept_while_the_status_does_not_change_and_moves_when_it_does()
    {
        var previous = HealthConditions.Complete([Ready(false, ClientAuthPolicyReasons.InvalidPin)], null, s_before);

        var still = HealthConditions.Complete([Ready(false, ClientAuthPolicyReasons.InvalidRule)], previous, s_now);
        var fixedNow = HealthConditions.Complete([Ready(true, ClientAuthPolicyReasons.Accepted)], previous, s_now);

        Assert.Equal(s_before.UtcDateTime, still.Single(c => c.Type == ConditionTypes.Stalled).LastTransitionTime);
        Assert.Equal(s_now.UtcDateTime, fixedNow.Single(c => c.Type == ConditionTypes.Stalled).LastTransitionTime);
    }

    [Fact]
    public void Without_ready_nothing_is_derived()
    {
        var warning = new V1Condition { Type = "ExpiringSoon", Status = "True", Reason = "ExpiringSoon", Message = "m" };

        Assert.Equal([warning], HealthConditions.Complete([warning], null, s_now));
    }

    [Fact]
    public void Derived_conditions_carry_the_generation_ready_was_computed_for()
    {
        var conditions = Complete(Ready(true, "Rendered"));

        Assert.All(conditions, c => Assert.Equal(7, c.ObservedGeneration));
    }

    private static List<V1Condition> Complete(V1Condition ready) => HealthConditions.Complete([ready], null, s_now);

    private static V1Condition Ready(bool status, string reason) => new()
    {
        Type = ConditionTypes.Ready, Status = status ? "True" : "False", Reason = reason, Message = "because", ObservedGeneration = 7,
        LastTransitionTime = s_now.UtcDateTime,
    };

    private static string Status(List<V1Condition> conditions, string type) => conditions.Single(c => c.Type == type).Status;
}
