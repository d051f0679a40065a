using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.PathRules;

/// <summary>The syntax of a spec.paths prefix: '/'-separated segments of letters, digits and '-._~', no "." or ".." segment, no
/// trailing '/'. Nothing else can reach a config file, and every prefix has exactly one spelling up to ASCII case.</summary>
public static partial class PathPrefix
{
    /// <summary>What is wrong with <paramref name="prefix"/>, or null when it is a valid prefix.</summary>
    public static string? Problem(string prefix)
    {
        if (prefix.Length > Api.ApiLimits.PathPrefix)
        {
            return $"is longer than {Api.ApiLimits.PathPrefix} characters";
        }

        if (!Syntax().IsMatch(prefix))
        {
            return "must be '/'-separated segments of letters, digits and '-._~', e.g. /admin or /api/v1 (no trailing '/', no %-escapes)";
        }

        return prefix.Split('/').Skip(1).Any(s => s is "." or "..") ? "must not have a \".\" or \"..\" segment" : null;
    }

    // \z, not $: '$' also matches before a final newline.
    [GeneratedRegex(@"^(/[A-Za-z0-9._~-]+)+\z")]
    private static partial Regex Syntax();
}
