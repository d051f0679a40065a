namespace MtlsOperator.Tests.Docs;

/// <summary>docs/reasons.md lists exactly the reasons and condition types the operator writes: every value that reaches a condition's,
/// a status problem's or an Event's reason in <c>src/</c> is traced back to its string constants (<see cref="ReasonFlow"/>), so an
/// inline literal counts as much as a constant in a *Reasons class.</summary>
public sealed class ReasonsDocumentationTests
{
    private const string HowToFix =
        "Add a row to " + ReasonsPage.RelativePath + " under the kind that writes it: | `Reason` | where (Ready, problem, condition type) | " +
        "effect (blocking, listed, info) | what it means | what to do |.";

    [Fact]
    public void The_sources_compile_for_the_analysis_so_no_value_flow_is_hidden_by_an_unbound_name()
    {
        var errors = SourceCompilation.Errors(SourceCompilation.Sources);

        Assert.True(errors.Count == 0, "The reason analysis compiles src/ itself; it could miss a reason where this fails:\n" + string.Join("\n", errors.Take(20)));
    }

    [Fact]
    public void Every_value_written_to_a_reason_field_is_traced_to_constants()
    {
        var untraced = ReasonFlow.Reasons().Untraced.Concat(ReasonFlow.ConditionTypes().Untraced).ToList();

        Assert.True(untraced.Count == 0,
            "These values flow into a reason or condition type the user sees, but cannot be followed back to string constants, so docs/reasons.md " +
            "cannot be checked for them. Use a const string (or a literal), or teach tests/MtlsOperator.Tests/Docs/ReasonFlow.cs the shape:\n" +
            string.Join("\n", untraced));
    }

    [Fact]
    public void Every_reason_the_operator_writes_is_documented()
    {
        var documented = ReasonsPage.Read().Reasons;
        var missing = ReasonFlow.Reasons().Values.Where(r => !documented.Contains(r.Key)).ToList();

        Assert.True(missing.Count == 0,
            $"Reasons a user can see that {ReasonsPage.RelativePath} does not list. {HowToFix}\n" +
            string.Join("\n", missing.Select(m => $"  {m.Key}   (written at {string.Join(", ", m.Value)})")));
    }

    [Fact]
    public void Every_documented_reason_is_still_written_somewhere()
    {
        var written = ReasonFlow.Reasons().Values;
        var stale = ReasonsPage.Read().Reasons.Where(r => !written.ContainsKey(r)).ToList();

        Assert.True(stale.Count == 0,
            $"{ReasonsPage.RelativePath} lists reasons the operator no longer writes; remove their rows (or fix the spelling): {string.Join(", ", stale)}");
    }

    [Fact]
    public void Every_condition_type_is_documented_and_every_documented_type_is_set()
    {
        var documented = ReasonsPage.Read().ConditionTypes;
        var set = ReasonFlow.ConditionTypes().Values;
        var missing = set.Keys.Where(t => !documented.Contains(t)).ToList();
        var stale = documented.Where(t => !set.ContainsKey(t)).ToList();

        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"{ReasonsPage.RelativePath} \"## Condition types\" is out of date. Add: {string.Join(", ", missing.Select(t => $"{t} (set at {string.Join(", ", set[t])})"))}. " +
            $"Remove: {string.Join(", ", stale)}.");
    }

    [Fact]
    public void Every_documented_reason_says_what_it_means_and_what_to_do()
    {
        var incomplete = ReasonsPage.Read().IncompleteRows;

        Assert.True(incomplete.Count == 0, "Rows with an empty cell:\n" + string.Join("\n", incomplete));
    }
}
