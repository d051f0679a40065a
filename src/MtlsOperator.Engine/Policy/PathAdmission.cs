using System.Collections.Immutable;

namespace MtlsOperator.Engine.Policy;

/// <summary>The pins and rules that decide requests under one path prefix (spec.paths[]) instead of the policy's own.</summary>
/// <param name="Source">The spec entry, e.g. <c>spec.paths[0]</c>.</param>
public sealed record PathAdmission(string Prefix, ImmutableArray<PinEntry> Pins, ImmutableArray<ClientMatchRule> Rules, string Source);
