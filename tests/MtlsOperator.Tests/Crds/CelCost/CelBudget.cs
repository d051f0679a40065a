using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.Crds.CelCost;

/// <summary>One rule's estimate as apiextensions-apiserver computes it on a CRD write: the rule's own maximum cost times the number
/// of times it can run in one object (the product of maxItems above it, or what fits in a request when a list above has none).</summary>
internal sealed record RuleCost(string Crd, string Path, string Rule, ulong MaxCost, ulong Cardinality)
{
    /// <summary>StaticEstimatedCostLimit: the most one rule may be estimated to cost (k8s.io/apiextensions-apiserver validation).</summary>
    public const ulong PerRuleLimit = 10_000_000;

    /// <summary>StaticEstimatedCRDCostLimit: the most all rules of one CRD may be estimated to cost together.</summary>
    public const ulong PerCrdLimit = 100_000_000;

    public ulong Total => MaxCost == 0 ? 0 : (Cardinality > ulong.MaxValue / MaxCost ? ulong.MaxValue : MaxCost * Cardinality);

    /// <summary>Every rule of every CRD in <paramref name="fields"/>.</summary>
    public static IEnumerable<RuleCost> Of(IEnumerable<SchemaField> fields) =>
        from f in fields
        where f.Schema["x-kubernetes-validations"] is JsonArray
        from rule in f.Schema["x-kubernetes-validations"]!.AsArray()
        let text = (string)rule!["rule"]!
        select new RuleCost(f.Crd, f.Path, text, CelCostEstimator.MaxCost(text, f.Schema), f.Cardinality ?? CelValue.UnboundedCardinality(f.Schema));

    public override string ToString() =>
        $"{Crd} {(Path.Length == 0 ? "<root>" : Path)}: {Total:N0} = {MaxCost:N0} x {Cardinality:N0} ({(double)Total / PerRuleLimit:0.0}x the per-rule limit): {Rule}";
}
