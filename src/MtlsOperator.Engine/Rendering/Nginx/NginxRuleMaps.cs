using System.Collections.Immutable;
using System.Globalization;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering.DistinguishedNames;

namespace MtlsOperator.Engine.Rendering.Nginx;

/// <summary>The <c>map</c> blocks deciding whether a client matches an issuer/subject rule, within nginx's limit on one config
/// parameter. A rule whose combined "issuer;subject" regex fits is a key of one shared map; a longer one gets a map per half
/// (the subject map's value is the issuer map's variable: AND); a half that alone is too long is refused.</summary>
internal static class NginxRuleMaps
{
    /// <summary>nginx 1.22 refuses ("too long parameter") a token of 4096 bytes or more, quotes included: measured with <c>nginx -t</c>.</summary>
    public const int MaxParameterBytes = 4095;

    /// <summary>Why the rules of <paramref name="model"/> (its own and each path's) cannot be written within nginx's limits; empty when they can.</summary>
    public static List<string> FindLimitsExceeded(ListenerRenderModel model)
    {
        var reasons = FindLimitsExceeded(model.Rules, "");
        foreach (var (number, scope) in PathScopes.Numbered(model.Paths))
        {
            reasons.AddRange(FindLimitsExceeded(scope.Rules, ScopeName(number)));
        }

        return reasons;
    }

    /// <summary>The variable-name part of path scope <paramref name="number"/> (<c>path1_</c>); "" is the policy's own scope.</summary>
    public static string ScopeName(int number) => $"path{number.ToString(CultureInfo.InvariantCulture)}_";

    private static List<string> FindLimitsExceeded(ImmutableArray<ClientMatchRule> given, string scope)
    {
        var reasons = new List<string>();
        foreach (var rule in Sorted(given))
        {
            var (issuer, subject) = RenderInputCheck.PatternsOf(rule);
            if (issuer is null && subject is null)
            {
                continue;
            }

            foreach (var (field, dn, pattern) in new[] { ("issuer", rule.Issuer, issuer), ("subject", rule.Subject, subject) })
            {
                if (pattern is not null && Key(pattern).Length > MaxParameterBytes)
                {
                    reasons.Add($"The {field} \"{dn}\" of a rule becomes a {Key(pattern).Length.ToString(CultureInfo.InvariantCulture)}-byte regex, " +
                        $"longer than the {MaxParameterBytes.ToString(CultureInfo.InvariantCulture)} bytes nginx accepts in one config parameter " +
                        "(every byte of a non-ASCII character takes 7). Shorten the name: match long subject values with '*', or pin the certificates.");
                }
            }
        }

        var variables = Write(new ConfigText(), given, scope);
        if (AdmittedKey(variables.Prepend($"$mtls_{scope}pinned")).Length > MaxParameterBytes)
        {
            reasons.Add($"The rules need {variables.Count.ToString(CultureInfo.InvariantCulture)} separate nginx maps, more than one config parameter " +
                $"of {MaxParameterBytes.ToString(CultureInfo.InvariantCulture)} bytes can combine. Use fewer rules with very long names, or pin the certificates.");
        }

        return reasons;
    }

    /// <summary>Writes the rule maps of <paramref name="given"/>, their variables named with <paramref name="scope"/> (see
    /// <see cref="ScopeName"/>), and returns the variables (each 0 or 1) whose OR says a rule matched.</summary>
    public static List<string> Write(ConfigText text, ImmutableArray<ClientMatchRule> given, string scope)
    {
        var rules = Sorted(given);
        var shared = $"$mtls_{scope}rule_matched";
        text.Line("    # Key: issuer;subject as OpenSSL prints them in RFC 2253 form (';' inside a value is always escaped).")
            .Line($"    map \"$ssl_client_i_dn;$ssl_client_s_dn\" {shared} {{")
            .Line("        default 0;");
        var split = new List<(int Index, string? Issuer, string? Subject)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var (issuer, subject) = RenderInputCheck.PatternsOf(rules[i]);
            if (issuer is null && subject is null)
            {
                continue;
            }

            var combined = Key((issuer ?? OpensslDnPattern.AnyName) + @"\x3b" + (subject ?? OpensslDnPattern.AnyName));
            if (combined.Length <= MaxParameterBytes)
            {
                text.Line($"        {combined} 1;");
            }
            else
            {
                split.Add((i, issuer, subject));
            }
        }

        text.Line("    }");
        var variables = new List<string> { shared };
        foreach (var (index, issuer, subject) in split)
        {
            var name = $"$mtls_{scope}rule{index.ToString(CultureInfo.InvariantCulture)}";
            text.Line($"    # Rule {index.ToString(CultureInfo.InvariantCulture)} is too long for one nginx parameter: its issuer and subject are matched apart, then ANDed.");
            var issuerMatched = "1";
            if (issuer is not null)
            {
                issuerMatched = name + "_issuer";
                WriteMap(text, "$ssl_client_i_dn", issuerMatched, Key(issuer), "1");
            }

            if (subject is not null)
            {
                WriteMap(text, "$ssl_client_s_dn", name, Key(subject), issuerMatched);
            }
            else
            {
                name = issuerMatched;
            }

            variables.Add(name);
        }

        return variables;
    }

    /// <summary>The key of the map that ORs <paramref name="variables"/>: their 0/1 values side by side.</summary>
    public static string AdmittedKey(IEnumerable<string> variables) => "\"" + string.Concat(variables) + "\"";

    private static void WriteMap(ConfigText text, string source, string variable, string key, string value) =>
        text.Line($"    map {source} {variable} {{")
            .Line("        default 0;")
            .Line($"        {key} {value};")
            .Line("    }");

    /// <summary>A quoted regex key for the anchored <paramref name="body"/>.</summary>
    private static string Key(string body) => Key(body, caseless: false, anchored: true);

    /// <summary>A quoted regex map key for <paramref name="pattern"/> (anchored as ^...$ when <paramref name="anchored"/>; <c>~*</c> when
    /// <paramref name="caseless"/>); backslashes are doubled because nginx unescapes <c>\\</c> in quotes.</summary>
    public static string Key(string pattern, bool caseless, bool anchored) =>
        "\"" + (caseless ? "~*" : "~") + (anchored ? "^" : "") + pattern.Replace(@"\", @"\\", StringComparison.Ordinal) + (anchored ? "$" : "") + "\"";

    private static List<ClientMatchRule> Sorted(ImmutableArray<ClientMatchRule> rules) =>
        (rules.IsDefault ? [] : rules).Distinct()
            .OrderBy(r => r.Issuer, StringComparer.Ordinal).ThenBy(r => r.Subject, StringComparer.Ordinal).ToList();
}
