using System.Text;
using CsCheck;
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

    [Fact]
    public void A_valid_reason_is_returned_as_the_very_string_given_not_a_copy()
    {
        var reason = new string("ChainComplete");
        Assert.Same(reason, ConditionLimits.Reason(reason));
    }

    /// <summary>Seeded random reasons over the characters the pattern treats specially, up to past the length bound; on failure
    /// CsCheck prints the seed, replay with <c>CsCheck_Seed</c>.</summary>
    [Fact]
    public void Every_reason_matches_the_api_pattern_and_is_bounded_as_the_character_by_character_rule_bounds_it()
    {
        char[] characters = ['a', 'Z', '0', '9', '_', ',', ':', ' ', '-', '\u00e9', '\ud83d'];
        var character = Gen.Int[0, characters.Length - 1].Select(i => characters[i]);
        Gen.OneOf(character.Array[0, 8], character.Array[ConditionLimits.MaxReasonLength - 2, ConditionLimits.MaxReasonLength + 2])
            .Select(c => new string(c))
            .Sample(reason =>
            {
                var bounded = ConditionLimits.Reason(reason);
                Assert.Equal(CharacterByCharacter(reason), bounded);
                Assert.Matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", bounded);
                Assert.True(bounded.Length <= ConditionLimits.MaxReasonLength);
            });
    }

    // The rule spelled out one character at a time: the oracle for the shortcut and for the cut.
    private static string CharacterByCharacter(string reason)
    {
        var text = new StringBuilder();
        foreach (var c in reason.Take(ConditionLimits.MaxReasonLength))
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ',' or ':' ? c : '_');
        }

        if (text.Length == 0 || !char.IsAsciiLetter(text[0]))
        {
            text.Insert(0, 'R');
            text.Length = Math.Min(text.Length, ConditionLimits.MaxReasonLength);
        }

        while (text[^1] is ',' or ':')
        {
            text.Length--;
        }

        return text.ToString();
    }
}
