using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.Serving;

/// <summary>Points a rendered proxy config at a copy of the Secret's files: every reference <c>&lt;mountPath&gt;/&lt;key&gt;</c>
/// to a key of the Secret becomes <c>&lt;directory&gt;/&lt;key&gt;</c>, and nothing else changes.</summary>
/// <remarks>
/// The sidecar runs each accepted version from a directory of its own, so the running proxy never reads files that kubelet
/// swaps underneath it and a version the proxy's check refused never reaches it. A reference is only rewritten as a whole
/// token (after the start of a line, whitespace, a quote or <c>=</c>; before the end, whitespace, <c>;</c>, <c>,</c> or a
/// quote) and only for keys containing a dot, which every key the operator writes does. Client DN patterns spell a literal
/// dot as <c>\x2e</c> (see OpensslDnPattern), pins are hex and hostnames hold no <c>/</c>, so no admission rule can contain
/// such a token: the rewrite cannot change who is admitted.
/// </remarks>
public static class MountPathRewrite
{
    /// <summary>The text with each whole-token reference to a dotted key under <paramref name="mountPath"/> moved to <paramref name="directory"/>.</summary>
    public static string Rewrite(string text, string mountPath, string directory, IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dotted = keys.Where(k => k.Contains('.', StringComparison.Ordinal) && !k.Contains('/', StringComparison.Ordinal))
            .OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).Select(Regex.Escape).ToList();
        if (dotted.Count == 0)
        {
            return text;
        }

        var from = mountPath.TrimEnd('/') + "/";
        var to = directory.TrimEnd('/') + "/";
        var pattern = $"""(?<=^|[\s"'=]){Regex.Escape(from)}(?<key>{string.Join('|', dotted)})(?=$|[\s;,"'])""";
        return Regex.Replace(text, pattern, m => to + m.Groups["key"].Value, RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }
}
