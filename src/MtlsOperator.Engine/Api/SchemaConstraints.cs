namespace MtlsOperator.Engine.Api;

/// <summary>Bounds on each item of a list of strings, rendered into the CRD as the items' <c>maxLength</c> / <c>pattern</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute : Attribute
{
    /// <summary>The items' <c>maxLength</c>; 0 for none.</summary>
    public int MaxLength { get; init; }

    /// <summary>The items' <c>pattern</c> (RE2 syntax, as the API server runs it), or null.</summary>
    public string? Pattern { get; init; }
}

/// <summary>Exactly one of the named fields must be set: rendered as an OpenAPI <c>oneOf</c> of <c>required</c>, which the API server
/// checks without CEL (and so at no cost against the CEL budget).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ExactlyOneOfAttribute(params string[] fields) : Attribute
{
    public IReadOnlyList<string> Fields { get; } = fields;
}

/// <summary>At least one of the named fields must be set: rendered as an OpenAPI <c>anyOf</c> of <c>required</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AtLeastOneOfAttribute(params string[] fields) : Attribute
{
    public IReadOnlyList<string> Fields { get; } = fields;
}
