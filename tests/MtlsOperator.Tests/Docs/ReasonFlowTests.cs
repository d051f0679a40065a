namespace MtlsOperator.Tests.Docs;

/// <summary>The reason analysis itself, on small sources written the ways a reason can be added: it must find each one, and say so when
/// it cannot follow a value rather than skip it.</summary>
public sealed class ReasonFlowTests
{
    private const string ProblemType = """
        namespace MtlsOperator.Engine.Api;
        public sealed class Problem { public string Reason { get; set; } = ""; }
        """;

    [Fact]
    public void An_inline_literal_in_a_condition_is_found()
    {
        var flow = Trace("""
            using k8s.Models;
            static class A { public static V1Condition C() => new V1Condition { Type = "Ready", Status = "False", Reason = "InlineReason" }; }
            """);

        Assert.Contains("InlineReason", flow.Values.Keys);
        Assert.Empty(flow.Untraced);
    }

    [Fact]
    public void A_constant_passed_through_helpers_tuples_records_and_conditionals_is_found()
    {
        var flow = Trace("""
            using MtlsOperator.Engine.Api;
            static class Reasons { public const string Named = "NamedReason"; }
            sealed record Failure(string Why, string Message);
            static class A
            {
                static Problem Make(string why) => new() { Reason = why };
                static (string R, string M) Pick(bool b) => (b ? Reasons.Named : "Other" + "Reason", "m");
                public static Problem Run(bool b)
                {
                    var (r, _) = Pick(b);
                    var failure = new Failure(r, "m");
                    var local = failure.Why;
                    return Make(local);
                }
                public static Problem Again() => Make(b() switch { true => "FromSwitch", false => Reasons.Named });
                static bool b() => true;
            }
            """);

        Assert.Equal(["FromSwitch", "NamedReason", "OtherReason"], flow.Values.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(flow.Untraced);
    }

    [Fact]
    public void A_reason_built_at_run_time_is_reported_as_untraced()
    {
        var flow = Trace("""
            using MtlsOperator.Engine.Api;
            static class A { public static Problem P(int n) => new() { Reason = $"Reason{n}" }; }
            """);

        Assert.Single(flow.Untraced);
        Assert.Contains("Reason{n}", flow.Untraced.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_helper_passed_as_a_delegate_is_reported_as_untraced_because_its_callers_cannot_be_listed()
    {
        var flow = Trace("""
            using MtlsOperator.Engine.Api;
            static class A
            {
                static Problem Make(string why) => new() { Reason = why };
                public static Problem[] All(string[] whys) => [.. whys.Select(Make)];
            }
            """);

        Assert.Contains(flow.Untraced, u => u.Contains("delegate", StringComparison.Ordinal));
    }

    [Fact]
    public void An_event_reason_is_found_and_a_reason_copied_from_another_condition_adds_nothing()
    {
        var flow = Trace("""
            using k8s.Models;
            static class A
            {
                public static Corev1Event E(V1Condition ready) => new() { Reason = ready.Reason };
                public static Corev1Event F() => new() { Reason = "CertificateExpiring" };
            }
            """);

        Assert.Equal(["CertificateExpiring"], flow.Values.Keys);
        Assert.Empty(flow.Untraced);
    }

    private static ReasonFlow Trace(string source)
    {
        var compilation = SourceCompilation.Of([("Problem.cs", ProblemType), ("Case.cs", source)]);
        Assert.Empty(SourceCompilation.Errors(compilation));
        return ReasonFlow.Reasons(new SourceIndex(compilation));
    }
}
