using System.Text;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Every condition fits metav1.Condition's bounds, so the API server never refuses a status write.</summary>
public sealed class ConditionLimitsTests
{
    [Fact]
    public void A_message_within_the_limit_is_kept_as_is()
    {
        var message = new string('x', ConditionLimits.MaxMessageBytes);
        Assert.Same(message, ConditionLimits.Message(message));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("\u00fc")]
    [InlineData("\u4e2d")]
    [InlineData("\ud83d\ude00")]
    [InlineData("word ")]
    public void A_long_message_is_cut_at_a_character_boundary_and_says_how_much_is_left_out(string unit)
    {
        var message = string.Concat(Enumerable.Repeat(unit, 40_000));

        var bounded = ConditionLimits.Message(message);

        Assert.True(Encoding.UTF8.GetByteCount(bounded) <= ConditionLimits.MaxMessageBytes);
        Assert.Matches(@" …and [0-9]+ more characters\z", bounded);
        var kept = bounded[..bounded.LastIndexOf(" …and ", StringComparison.Ordinal)];
        Assert.StartsWith(kept, message, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(kept[^1]), "cut inside a surrogate pair");
        var omitted = int.Parse(bounded[(bounded.LastIndexOf("…and ", StringComparison.Ordinal) + 5)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new System.Globalization.StringInfo(message[kept.Length..]).LengthInTextElements, omitted);
    }

    [Fact]
    public void The_condition_set_bounds_every_message_it_is_given()
    {
        var conditions = new ConditionSet(null, 1, DateTimeOffset.UtcNow)
            .Set(ConditionTypes.Ready, false, "PolicyNotEnforceable", string.Concat(Enumerable.Repeat("Rule 1 is refused. ", 10_000)))
            .Build();

        var ready = Assert.Single(conditions);
        Assert.True(Encoding.UTF8.GetByteCount(ready.Message) <= ConditionLimits.MaxMessageBytes);
        Assert.Equal("PolicyNotEnforceable", ready.Reason);
    }

    [Theory]
    [InlineData("Rendered", "Rendered")]
    [InlineData("Not Ready!", "Not_Ready_")]
    [InlineData("9Lives", "R9Lives")]
    [InlineData("Ends:", "Ends")]
    public void A_reason_always_matches_the_api_pattern(string reason, string expected)
    {
        var bounded = ConditionLimits.Reason(reason);
        Assert.Equal(expected, bounded);
        Assert.Matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", bounded);
    }
}
