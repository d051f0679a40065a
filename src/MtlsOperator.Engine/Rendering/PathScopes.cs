using System.Collections.Immutable;

namespace MtlsOperator.Engine.Rendering;

/// <summary>The path scopes of a model numbered 1..n in a stable order (prefix, ordinal ignoring case), so the same policy renders
/// the same bytes whatever its order; 0 is the policy's own pins and rules.</summary>
internal static class PathScopes
{
    public static List<(int Number, PathScope Scope)> Numbered(ImmutableArray<PathScope> paths) =>
        (paths.IsDefault ? [] : paths).OrderBy(p => p.Prefix, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Prefix, StringComparer.Ordinal)
            .Select((p, i) => (i + 1, p)).ToList();
}
