using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary><see cref="ConditionSet.Same"/>: what decides whether a status changed only in what it reports of the outputs.</summary>
public sealed class ConditionSameTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<V1Condition> Build(IReadOnlyList<V1Condition>? previous, long generation, params (string Type, bool Status, string Reason, string Message)[] conditions)
    {
        var set = new ConditionSet(previous, generation, s_now);
        foreach (var c in conditions)
        {
            set.Set(c.Type, c.Status, c.Reason, c.Message);
        }

        return set.Build();
    }

    [Fact]
    public void The_same_conditions_in_another_order_and_at_another_time_are_the_same()
    {
        var before = Build(null, 3, ("Ready", true, "Rendered", "ok"), ("Degraded", false, "None", "fine"));
        var after = new ConditionSet(null, 3, s_now.AddHours(1)).Set("Degraded", false, "None", "fine").Set("Ready", true, "Rendered", "ok").Build();
        Assert.True(ConditionSet.Same(before, after));
    }

    [Fact]
    public void A_first_status_is_not_the_same_as_none()
    {
        Assert.False(ConditionSet.Same(null, Build(null, 1, ("Ready", true, "Rendered", "ok"))));
        Assert.True(ConditionSet.Same(null, []));
    }

    [Theory]
    [InlineData(false, "Rendered", "ok", 3)]
    [InlineData(true, "Other", "ok", 3)]
    [InlineData(true, "Rendered", "changed", 3)]
    [InlineData(true, "Rendered", "ok", 4)]
    public void A_change_of_status_reason_message_or_observed_generation_is_a_change(bool status, string reason, string message, long generation)
    {
        var before = Build(null, 3, ("Ready", true, "Rendered", "ok"));
        Assert.False(ConditionSet.Same(before, Build(before, generation, ("Ready", status, reason, message))));
    }

    [Fact]
    public void A_condition_added_or_dropped_is_a_change()
    {
        var one = Build(null, 3, ("Ready", true, "Rendered", "ok"));
        var two = Build(one, 3, ("Ready", true, "Rendered", "ok"), ("Degraded", true, "Rollout", "1 pod behind"));
        Assert.False(ConditionSet.Same(one, two));
        Assert.False(ConditionSet.Same(two, one));
    }

    [Fact]
    public void Null_entries_a_status_writer_left_are_no_condition_and_keep_the_others_transition_times()
    {
        var ready = Build(null, 3, ("Ready", true, "Rendered", "ok"))[0];
        ready.LastTransitionTime = s_now.UtcDateTime.AddDays(-1);
        List<V1Condition> written = [null!, ready, null!];

        var rebuilt = Build(written, 3, ("Ready", true, "Rendered", "ok"));

        Assert.Equal(s_now.UtcDateTime.AddDays(-1), rebuilt[0].LastTransitionTime);
        Assert.False(ConditionSet.Same(written, rebuilt));
    }
}
