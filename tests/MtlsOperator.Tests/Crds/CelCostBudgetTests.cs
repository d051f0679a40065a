using Xunit.Abstractions;
using MtlsOperator.Tests.Crds.CelCost;

namespace MtlsOperator.Tests.Crds;

/// <summary>The CRDs pass the API server's static CEL cost check: <c>kubectl apply -f crds/</c> would otherwise fail with
/// "estimated rule cost exceeds budget".</summary>
public sealed class CelCostBudgetTests
{
    private readonly ITestOutputHelper _output;

    public CelCostBudgetTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_rule_is_within_the_per_rule_cost_limit()
    {
        var costs = RuleCost.Of(SchemaField.In(RepositoryRoot.Combine("crds"))).ToList();
        foreach (var c in costs)
        {
            _output.WriteLine(c.ToString());
        }

        var over = costs.Where(c => c.Total > RuleCost.PerRuleLimit).ToList();
        Assert.True(over.Count == 0, "rules over the API server's per-rule budget of 10,000,000 (add maxItems / maxLength):\n" + string.Join("\n", over));
    }

    [Fact]
    public void Every_crd_is_within_the_per_crd_cost_limit()
    {
        var totals = RuleCost.Of(SchemaField.In(RepositoryRoot.Combine("crds"))).GroupBy(c => c.Crd)
            .Select(g => (Crd: g.Key, Total: g.Aggregate(0UL, (sum, c) => sum > ulong.MaxValue - c.Total ? ulong.MaxValue : sum + c.Total))).ToList();
        var over = totals.Where(t => t.Total > RuleCost.PerCrdLimit).Select(t => $"{t.Crd}: {t.Total:N0}").ToList();
        Assert.True(over.Count == 0, "CRDs over the API server's per-CRD budget of 100,000,000:\n" + string.Join("\n", over));
    }

    [Fact]
    public void Every_rule_compiles_for_the_estimator()
    {
        // A rule the estimator cannot model throws with the construct to add, instead of passing unmeasured.
        Assert.All(SchemaField.In(RepositoryRoot.Combine("crds")).Where(f => f.Schema["x-kubernetes-validations"] is not null), f =>
            Assert.All(f.Schema["x-kubernetes-validations"]!.AsArray(), r => CelCostEstimator.MaxCost((string)r!["rule"]!, f.Schema)));
    }
}
