using System.Text.RegularExpressions;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Policy;

/// <summary>A rule as read from the spec: the normalized rule, or sentences saying what is wrong with it.</summary>
public sealed record MatchRuleParseResult(ClientMatchRule? Rule, IReadOnlyList<string> Errors);

/// <summary>Validates and normalizes many-to-one rules: issuer and subject to the OpenSSL RFC 4514 form, DNS names to lowercase.</summary>
public static partial class MatchRuleParser
{
    /// <param name="entry">Spec location for messages, e.g. <c>spec.rules[0]</c>.</param>
    public static MatchRuleParseResult Parse(MatchRuleSpec spec, string entry)
    {
        if (spec.Issuer is null && spec.Subject is null && spec.DnsName is null && spec.Uri is null)
        {
            return new MatchRuleParseResult(null,
                [$"{entry} sets none of issuer, subject, dnsName or uri; a rule needs at least one, or it would match every client."]);
        }

        var errors = new List<string>();
        var issuer = Dn(spec.Issuer, $"{entry}.issuer", allowWildcards: false, errors);
        var subject = Dn(spec.Subject, $"{entry}.subject", allowWildcards: true, errors);
        var dnsName = DnsName(spec.DnsName, $"{entry}.dnsName", errors);
        var uri = UriValue(spec.Uri, $"{entry}.uri", errors);
        return errors.Count > 0 ? new MatchRuleParseResult(null, errors) : new MatchRuleParseResult(new ClientMatchRule(issuer, subject, dnsName, uri), []);
    }

    /// <summary>One line for status, e.g. <c>issuer "CN=Corp CA,O=Corp" and subject "CN=*,OU=Payments,O=Corp"</c>.</summary>
    public static string Describe(ClientMatchRule rule)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name} \"{value}\"");
            }
        }

        Add("issuer", rule.Issuer);
        Add("subject", rule.Subject);
        Add("dnsName", rule.DnsName);
        Add("uri", rule.Uri);
        return string.Join(" and ", parts);
    }

    private static string? Dn(string? text, string field, bool allowWildcards, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DistinguishedName.TryParse(text, allowWildcards, out var name, out var error))
        {
            // Pattern text keeps a literal asterisk escaped (\*), so the rule never turns it into a wildcard downstream.
            return name!.ToPatternText();
        }

        errors.Add($"{field} \"{text}\" {error}");
        return null;
    }

    private static string? DnsName(string? text, string field, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        var name = text.Trim().TrimEnd('.').ToLowerInvariant();
        if (name.Contains('*', StringComparison.Ordinal))
        {
            errors.Add($"{field} \"{text}\" contains '*'; dnsName matches one SAN exactly. To admit a family of clients, use a subject rule with '*' or an issuer rule.");
        }
        else if (name.Length > 253 || !DnsNamePattern().IsMatch(name))
        {
            errors.Add($"{field} \"{text}\" is not a DNS name (labels of letters, digits and '-', separated by '.').");
        }
        else
        {
            return name;
        }

        return null;
    }

    private static string? UriValue(string? text, string field, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out _) || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'' or '\\'))
        {
            errors.Add($"{field} \"{text}\" is not an absolute URI without spaces or quotes, such as spiffe://example.org/ns/payments/sa/api.");
            return null;
        }

        return text;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")]
    private static partial Regex DnsNamePattern();
}
