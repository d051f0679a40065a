using System.Text.Json.Nodes;
using MtlsOperator.Tests.Crds.CelCost;

namespace MtlsOperator.Tests.Crds;

/// <summary>The estimator itself, on small schemas whose costs follow from cel-go's cost model by hand.</summary>
public sealed class CelCostEstimatorTests
{
    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private const string Source = """
        {"type":"object","properties":{"inline":{"type":"string"},"secret":{"type":"object","properties":{}},"configMap":{"type":"object","properties":{}}},
         "x-kubernetes-validations":[{"rule":"[has(self.inline), has(self.secret), has(self.configMap)].filter(x, x).size() == 1","message":"m"}]}
        """;

    [Fact]
    public void An_exactly_one_rule_inside_an_unbounded_list_is_over_budget()
    {
        // The rule as the CRDs had it before the lists got maxItems: 3 presence tests (2 each), a list literal (10), a filter
        // over 3 items (10 + 1 + 3 x (1 + 13)), size() (1) and == (1): 71, run up to 1,048,576 times (3 MiB / len("{},")).
        var crd = Crd($$"""{"type":"array","items":{{Source}}}""");
        var cost = Assert.Single(RuleCost.Of(SchemaField.Of(crd)));
        Assert.Equal(1_048_576UL, cost.Cardinality);
        Assert.True(cost.Total > RuleCost.PerRuleLimit, cost.ToString());
    }

    [Fact]
    public void The_same_rule_under_max_items_is_within_budget()
    {
        var crd = Crd($$"""{"type":"array","maxItems":64,"items":{{Source}}}""");
        var cost = Assert.Single(RuleCost.Of(SchemaField.Of(crd)));
        Assert.Equal(64UL, cost.Cardinality);
        Assert.True(cost.Total < RuleCost.PerRuleLimit, cost.ToString());
    }

    [Fact]
    public void A_regex_on_an_unbounded_string_costs_by_request_size_and_one_with_max_length_by_it()
    {
        var unbounded = CelCostEstimator.MaxCost("self.matches('^[a-z]+$')", Obj("""{"type":"string"}"""));
        var bounded = CelCostEstimator.MaxCost("self.matches('^[a-z]+$')", Obj("""{"type":"string","maxLength":63}"""));
        // (3,145,726 + 1) x 0.1 rounded up, times 8 x 0.25 = 2, plus the identifier.
        Assert.Equal(314_573UL * 2 + 1, unbounded);
        Assert.Equal(7UL * 2 + 1, bounded);
    }

    [Fact]
    public void Field_selection_and_presence_tests_cost_one_each()
    {
        var schema = Obj("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}}}""");
        Assert.Equal(2UL, CelCostEstimator.MaxCost("has(self.a)", schema));
        Assert.Equal(5UL, CelCostEstimator.MaxCost("self.a == self.b", schema));
    }

    [Fact]
    public void A_construct_the_estimator_does_not_model_is_refused_by_name()
    {
        var e = Assert.Throws<NotSupportedException>(() => CelCostEstimator.MaxCost("self.isSorted()", Obj("""{"type":"array","items":{"type":"string"}}""")));
        Assert.Contains("isSorted", e.Message, StringComparison.Ordinal);
    }

    private static string Crd(string sources) =>
        """{"metadata":{"name":"tests.example.io"},"spec":{"versions":[{"schema":{"openAPIV3Schema":"""
        + """{"type":"object","properties":{"spec":{"type":"object","properties":{"sources":""" + sources + "}}}}}}]}}";
}
