using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MtlsOperator.Tests.Chart;

/// <summary><c>values.schema.json</c>: Helm validates values against it on install and upgrade, so a typo'd or
/// mistyped value fails there instead of being silently ignored.</summary>
public sealed class ChartValuesSchemaTests
{
    private static readonly JsonSchema s_schema = JsonSchema.FromText(File.ReadAllText(HelmChart.PathOf("values.schema.json")));

    [Fact]
    public void The_default_values_are_valid()
    {
        var result = Evaluate(HelmChart.Values);

        Assert.True(result.IsValid, Errors(result));
    }

    [Fact]
    public void Every_default_value_is_described_by_the_schema()
    {
        var properties = JsonNode.Parse(File.ReadAllText(HelmChart.PathOf("values.schema.json")))!["properties"]!.AsObject();

        Assert.All(HelmChart.Values.Select(p => p.Key), key => Assert.True(properties.ContainsKey(key), $"values.yaml has {key}, values.schema.json does not"));
    }

    [Theory]
    [InlineData("replicas", "\"two\"")]
    [InlineData("replicas", "0")]
    [InlineData("logLevel", "\"loud\"")]
    [InlineData("image", "{\"repository\":\"r\",\"tag\":\"\",\"pullPolicy\":\"Sometimes\"}")]
    [InlineData("watchNamespaces", "[\"Not_A_Namespace\"]")]
    [InlineData("metrics", "{\"port\":70000,\"service\":{\"enabled\":true,\"type\":\"ClusterIP\",\"annotations\":{}}}")]
    [InlineData("leaderElection", "{\"enabled\":true,\"leaseName\":\"x\",\"leaseDuration\":\"soon\",\"renewDeadline\":\"10s\",\"retryPeriod\":\"2s\"}")]
    [InlineData("replica", "2")]
    [InlineData("convergedSavePeriod", "\"soon\"")]
    [InlineData("convergedSavePeriod", "true")]
    public void A_mistyped_or_misspelt_value_is_refused(string key, string json)
    {
        var values = HelmChart.Values.DeepClone().AsObject();
        values[key] = JsonNode.Parse(json);

        Assert.False(Evaluate(values).IsValid, $"{key}: {json} was accepted");
    }

    [Theory]
    [InlineData("\"off\"")]
    [InlineData("false")]
    [InlineData("\"90s\"")]
    public void The_converged_save_period_is_a_duration_or_off_even_unquoted(string json)
    {
        // Unquoted in a values file, YAML reads off as false.
        var values = HelmChart.Values.DeepClone().AsObject();
        values["convergedSavePeriod"] = JsonNode.Parse(json);

        var result = Evaluate(values);

        Assert.True(result.IsValid, Errors(result));
    }

    [Fact]
    public void Free_form_kubernetes_blocks_take_any_object()
    {
        var values = HelmChart.Values.DeepClone().AsObject();
        values["affinity"] = JsonNode.Parse("{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{}}}");
        values["podSecurityContext"] = JsonNode.Parse("{\"runAsUser\":1000680000,\"fsGroup\":1000680000}");
        values["global"] = JsonNode.Parse("{\"imageRegistry\":\"r.example.com\"}");

        var result = Evaluate(values);

        Assert.True(result.IsValid, Errors(result));
    }

    private static EvaluationResults Evaluate(JsonNode values) =>
        s_schema.Evaluate(JsonDocument.Parse(values.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults result) =>
        string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
}
