using System.Globalization;
using System.Text;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Writes a certificate name as RFC 4514 rule text the way people do, independently of the engine's own escaping:
/// with or without spaces after commas, short or long attribute names, non-ASCII raw or as <c>\XX</c> hex.</summary>
public static class RuleText
{
    private static readonly Dictionary<string, string> s_longNames = new(StringComparer.Ordinal)
    {
        ["CN"] = "commonName",
        ["O"] = "organizationName",
        ["OU"] = "organizationalUnitName",
        ["C"] = "countryName",
    };

    /// <summary>The subject text of a rule aimed at a certificate with <paramref name="subject"/>, or null for none.</summary>
    public static string? Subject(DistinguishedName subject, RulePlan rule)
    {
        switch (rule.Subject)
        {
            case SubjectPattern.Absent:
                return null;
            case SubjectPattern.Stranger:
                return "CN=stranger,O=Elsewhere";
            case SubjectPattern.Exact:
                return Write(subject, rule, wildcards: true);
        }

        // Replace the most specific CN by '*' or by its first character and '*'.
        var rdns = subject.Rdns.ToArray();
        var index = Array.FindIndex(rdns, r => r.Length == 1 && r[0].Type == "CN");
        if (index < 0)
        {
            return Write(subject, rule, wildcards: true);
        }

        var value = rdns[index][0].Value;
        var pattern = rule.Subject == SubjectPattern.CommonNameWildcard || value.Length < 2 ? "*" : Escape(value[..1], rule, first: true, last: false, wildcards: true) + "*";
        var parts = rdns.Select((rdn, i) => i == index ? TypeName("CN", rule) + "=" + pattern : Rdn(rdn, rule, wildcards: true));
        return string.Join(rule.SpacedSeparators ? ", " : ",", parts);
    }

    /// <summary>The whole name, every value literal.</summary>
    public static string Write(DistinguishedName name, RulePlan rule, bool wildcards) =>
        string.Join(rule.SpacedSeparators ? ", " : ",", name.Rdns.Select(rdn => Rdn(rdn, rule, wildcards)));

    private static string Rdn(IReadOnlyList<DnAttribute> rdn, RulePlan rule, bool wildcards) =>
        string.Join('+', rdn.Select(a => TypeName(a.Type, rule) + "=" + (a.IsDerHex ? "#" + a.Value : Escape(a.Value, rule, true, true, wildcards))));

    private static string TypeName(string type, RulePlan rule) => rule.LongAttributeNames && s_longNames.TryGetValue(type, out var name) ? name : type;

    /// <summary>RFC 4514 escaping; in a subject (where <c>*</c> is a wildcard) a literal <c>*</c> is written <c>\2A</c>.</summary>
    private static string Escape(string value, RulePlan rule, bool first, bool last, bool wildcards)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x7e || c < 0x20)
            {
                if (rule.HexNonAscii)
                {
                    var end = char.IsHighSurrogate(c) && i + 1 < value.Length ? i + 2 : i + 1;
                    foreach (var b in Encoding.UTF8.GetBytes(value[i..end]))
                    {
                        sb.Append('\\').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                    }

                    i = end - 1;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' || (first && i == 0 && c is '#' or ' ') || (last && i == value.Length - 1 && c == ' '))
            {
                sb.Append('\\').Append(c);
            }
            else if (c == '*' && wildcards)
            {
                sb.Append("\\2A");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
