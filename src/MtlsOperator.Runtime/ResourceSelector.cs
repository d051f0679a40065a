namespace MtlsOperator.Runtime;

/// <summary>Server-side label and field selectors applied to both the list and the watch of an informer.</summary>
public sealed record ResourceSelector(string? LabelSelector = null, string? FieldSelector = null)
{
    /// <summary>Everything.</summary>
    public static ResourceSelector All { get; } = new();
}
