using System.Text.Json.Nodes;
using Cel;

namespace MtlsOperator.Tests.Crds;

/// <summary>The CEL rules and OpenAPI alternatives of the generated CRDs, run against objects a user could apply.</summary>
public sealed class CelRuleTests
{
    private static readonly List<SchemaField> s_fields = [.. SchemaField.In(RepositoryRoot.Combine("crds"))];

    [Theory]
    [InlineData("""{"trustBundleRef":{"name":"ca"},"pins":[{"sha256":"ab"}]}""", true)]
    [InlineData("""{"trustBundleRef":{"name":"ca"},"rules":[{"subject":"CN=*"}]}""", true)]
    [InlineData("""{"trustBundleRef":{"name":"ca"},"pins":[],"rules":[{"subject":"CN=*"}]}""", true)]
    [InlineData("""{"trustBundleRef":{"name":"ca"}}""", false)]
    [InlineData("""{"trustBundleRef":{"name":"ca"},"pins":[],"rules":[]}""", false)]
    public void A_policy_without_pins_or_rules_is_refused_at_apply_time(string spec, bool admitted)
    {
        var field = s_fields.Single(f => f.Crd.StartsWith("clientauthpolicies.", StringComparison.Ordinal) && f.Path == "spec");
        var rule = (string)field.Schema["x-kubernetes-validations"]![0]!["rule"]!;
        var result = new CelEnvironment(null!, "").Program(rule, new Dictionary<string, object?> { ["self"] = ToCel(JsonNode.Parse(spec)!) });
        Assert.Equal(admitted, result);
    }

    [Fact]
    public void Every_alternative_names_a_declared_field()
    {
        foreach (var f in s_fields.Where(f => f.Schema["oneOf"] is not null || f.Schema["anyOf"] is not null))
        {
            var declared = f.Schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
            var named = (f.Schema["oneOf"] ?? f.Schema["anyOf"])!.AsArray().SelectMany(a => a!["required"]!.AsArray().Select(r => (string)r!));
            Assert.All(named, n => Assert.Contains(n, declared));
        }
    }

    /// <summary>JSON as the Cel package evaluates it: maps, lists, longs, strings and booleans.</summary>
    private static object ToCel(JsonNode node) => node switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => ToCel(p.Value!)),
        JsonArray a => a.Select(v => ToCel(v!)).ToList(),
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => node.GetValue<string>(),
    };
}
