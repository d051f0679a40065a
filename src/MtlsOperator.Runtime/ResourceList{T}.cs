namespace MtlsOperator.Runtime;

/// <summary>One page of a list: its items, the snapshot's resourceVersion and the token for the next page (null on the last).</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
