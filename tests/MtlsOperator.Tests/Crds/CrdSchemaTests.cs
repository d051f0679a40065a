namespace MtlsOperator.Tests.Crds;

/// <summary>What <c>kubectl explain</c> shows and what the API server bounds, checked on the generated CRDs.</summary>
public sealed class CrdSchemaTests
{
    private static readonly List<SchemaField> s_fields = [.. SchemaField.In(RepositoryRoot.Combine("crds"))];

    private static IEnumerable<SchemaField> SpecAndStatus =>
        s_fields.Where(f => f.Path.StartsWith("spec", StringComparison.Ordinal) || f.Path.StartsWith("status", StringComparison.Ordinal));

    [Fact]
    public void Every_spec_and_status_field_has_a_description()
    {
        // List items take their meaning from the list's own description.
        var missing = SpecAndStatus.Where(f => !f.Path.EndsWith("[]", StringComparison.Ordinal) && f.Schema["description"] is null)
            .Select(f => $"{f.Crd}: {f.Path}").ToList();
        Assert.True(missing.Count == 0, "fields without a description (add a /// <summary> to the C# property):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_list_has_max_items()
    {
        var missing = SpecAndStatus.Where(f => f.Type == "array" && f.Schema["maxItems"] is null).Select(f => $"{f.Crd}: {f.Path}").ToList();
        Assert.True(missing.Count == 0, "lists without maxItems (add [MaxLength(ApiLimits.X)]):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_free_string_has_max_length()
    {
        var missing = SpecAndStatus
            .Where(f => f.Type == "string" && f.Schema["maxLength"] is null && f.Schema["enum"] is null && f.Schema["format"] is null)
            .Select(f => $"{f.Crd}: {f.Path}").ToList();
        Assert.True(missing.Count == 0, "strings without maxLength (add [MaxLength(ApiLimits.X)] or [Items(MaxLength = ...)]):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void No_schema_keeps_unknown_fields()
    {
        Assert.DoesNotContain(s_fields, f => f.Schema.ContainsKey("x-kubernetes-preserve-unknown-fields"));
    }
}
