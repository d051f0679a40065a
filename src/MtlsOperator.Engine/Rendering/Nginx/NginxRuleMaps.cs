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

    /// <summary>Variable that is 1 when some rule of the shared map matched.</summary>
    public const string SharedVariable = "$mtls_rule_matched";

    /// <summary>Why the rules of <paramref name="model"/> cannot be written within nginx's limits; empty when they can.</summary>
    public static List<string> FindLimitsExceeded(ListenerRenderModel model)
    {
        var reasons = new List<string>();
        foreach (var rule in Sorted(model))
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

        var variables = Variables(model);
        if (AdmittedKey(variables.Prepend("$mtls_pinned")).Length > MaxParameterBytes)
        {
            reasons.Add($"The rules need {variables.Count.ToString(CultureInfo.InvariantCulture)} separate nginx maps, more than one config parameter " +
                $"of {MaxParameterBytes.ToString(CultureInfo.InvariantCulture)} bytes can combine. Use fewer rules with very long names, or pin the certificates.");
        }

        return reasons;
    }

    /// <summary>Writes the rule maps and returns the variables (each 0 or 1) whose OR says a rule matched.</summary>
    public static List<string> Write(ConfigText text, ListenerRenderModel model)
    {
        var rules = Sorted(model);
        text.Line("    # Key: issuer;subject as OpenSSL prints them in RFC 2253 form (';' inside a value is always escaped).")
            .Line($"    map \"$ssl_client_i_dn;$ssl_client_s_dn\" {SharedVariable} {{")
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
        var variables = new List<string> { SharedVariable };
        foreach (var (index, issuer, subject) in split)
        {
            var name = $"$mtls_rule{index.ToString(CultureInfo.InvariantCulture)}";
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

    /// <summary>The variables a render of <paramref name="model"/> would OR, from a render whose text is thrown away.</summary>
    private static List<string> Variables(ListenerRenderModel model) => Write(new ConfigText(), model);

    private static void WriteMap(ConfigText text, string source, string variable, string key, string value) =>
        text.Line($"    map {source} {variable} {{")
            .Line("        default 0;")
            .Line($"        {key} {value};")
            .Line("    }");

    /// <summary>A quoted regex key for the anchored <paramref name="body"/>; backslashes are doubled because nginx unescapes <c>\\</c> in quotes.</summary>
    private static string Key(string body) => "\"~^" + body.Replace(@"\", @"\\", StringComparison.Ordinal) + "$\"";

    private static List<ClientMatchRule> Sorted(ListenerRenderModel model) =>
        (model.Rules.IsDefault ? [] : model.Rules).Distinct()
            .OrderBy(r => r.Issuer, StringComparer.Ordinal).ThenBy(r => r.Subject, StringComparer.Ordinal).ToList();
}
