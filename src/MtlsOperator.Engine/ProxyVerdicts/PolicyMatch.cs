using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>What a policy declares, applied to a verified client certificate: a pin names one certificate (or, for an SPKI-only
/// pin, one key); a rule's issuer and subject name the certificate's names, attribute by attribute, case-sensitive, with each
/// unescaped <c>*</c> of a subject value standing for any characters of that one value (an escaped one is an asterisk). Deliberately not the rendered regular expressions:
/// this is the meaning those expressions must have.</summary>
internal static class PolicyMatch
{
    /// <summary>What of the policy's own pins and rules admits <paramref name="leaf"/>, or null when nothing does.</summary>
    public static string? Admitting(ClientAdmission admission, X509Certificate2 leaf) => Admitting(admission.Pins, admission.Rules, leaf);

    /// <summary>Which of <paramref name="pins"/> and <paramref name="rules"/> admits <paramref name="leaf"/>, or null when none does.</summary>
    public static string? Admitting(ImmutableArray<PinEntry> pins, ImmutableArray<ClientMatchRule> rules, X509Certificate2 leaf)
    {
        var prints = CertificateFingerprints.Of(leaf);
        foreach (var entry in pins.IsDefault ? [] : pins)
        {
            var byCertificate = entry.Forms.Where(f => f.Algorithm != PinAlgorithm.SpkiSha256).ToList();
            var matched = byCertificate.Count > 0
                ? byCertificate.Any(f => f.Value == (f.Algorithm == PinAlgorithm.Sha1 ? prints.Sha1 : prints.Sha256))
                : entry.Forms.Any(f => f.Value == prints.SpkiSha256);
            if (matched)
            {
                return $"pinned by {entry.Source}";
            }
        }

        var subject = DistinguishedName.FromDer(leaf.SubjectName.RawData);
        var issuer = DistinguishedName.FromDer(leaf.IssuerName.RawData);
        for (var i = 0; i < (rules.IsDefault ? 0 : rules.Length); i++)
        {
            var rule = rules[i];
            if (NameMatches(rule.Issuer, issuer, wildcards: false) && NameMatches(rule.Subject, subject, wildcards: true)
                && (rule.DnsName is null || PresentedNames.Of(leaf).DnsNames.Contains(rule.DnsName, StringComparer.OrdinalIgnoreCase))
                && (rule.Uri is null || UrisOf(leaf).Contains(rule.Uri, StringComparer.Ordinal)))
            {
                return $"matched rule {i} ({MatchRuleParser.Describe(rule)})";
            }
        }

        return null;
    }

    private static bool NameMatches(string? pattern, DistinguishedName name, bool wildcards)
    {
        if (pattern is null)
        {
            return true;
        }

        if (!DistinguishedName.TryParse(pattern, wildcards, out var parsed, out _) || parsed!.Rdns.Length != name.Rdns.Length)
        {
            return false;
        }

        return parsed.Rdns.Zip(name.Rdns).All(p => RdnMatches(p.First, p.Second, wildcards));
    }

    private static bool RdnMatches(IReadOnlyList<DnAttribute> pattern, IReadOnlyList<DnAttribute> attributes, bool wildcards)
    {
        if (pattern.Count != attributes.Count)
        {
            return false;
        }

        // Multi-valued RDNs are sets: any pairing of pattern attributes to certificate attributes will do.
        bool Assign(int index, bool[] used)
        {
            if (index == pattern.Count)
            {
                return true;
            }

            for (var j = 0; j < attributes.Count; j++)
            {
                if (!used[j] && AttributeMatches(pattern[index], attributes[j], wildcards))
                {
                    used[j] = true;
                    if (Assign(index + 1, used))
                    {
                        return true;
                    }

                    used[j] = false;
                }
            }

            return false;
        }

        return Assign(0, new bool[attributes.Count]);
    }

    private static bool AttributeMatches(DnAttribute pattern, DnAttribute attribute, bool wildcards)
    {
        if (!string.Equals(pattern.Type, attribute.Type, StringComparison.OrdinalIgnoreCase) || pattern.IsDerHex != attribute.IsDerHex)
        {
            return false;
        }

        if (pattern.IsDerHex)
        {
            return string.Equals(pattern.Value, attribute.Value, StringComparison.OrdinalIgnoreCase);
        }

        return wildcards && !pattern.Wildcards.IsDefaultOrEmpty ? Glob(Pieces(pattern), attribute.Value) : pattern.Value == attribute.Value;
    }

    /// <summary>The literal stretches of a pattern value between its wildcards (the parser's offsets; a <c>*</c> inside a
    /// stretch is a literal asterisk): n wildcards give n + 1 stretches, possibly empty.</summary>
    private static List<string> Pieces(DnAttribute pattern)
    {
        var pieces = new List<string>();
        var from = 0;
        foreach (var at in pattern.Wildcards)
        {
            pieces.Add(pattern.Value[from..at]);
            from = at;
        }

        pieces.Add(pattern.Value[from..]);
        return pieces;
    }

    /// <summary>Whether <paramref name="value"/> is the pieces in order with any characters between consecutive pieces.</summary>
    private static bool Glob(List<string> parts, string value)
    {
        if (!value.StartsWith(parts[0], StringComparison.Ordinal) || !value[parts[0].Length..].EndsWith(parts[^1], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        var end = value.Length - parts[^1].Length;
        foreach (var middle in parts[1..^1])
        {
            var found = value.IndexOf(middle, position, StringComparison.Ordinal);
            if (found < 0 || found + middle.Length > end)
            {
                return false;
            }

            position = found + middle.Length;
        }

        return true;
    }

    private static IEnumerable<string> UrisOf(X509Certificate2 leaf)
    {
        var san = leaf.Extensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        if (san is null)
        {
            return [];
        }

        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (reader.HasData)
        {
            if (reader.PeekTag().HasSameClassAndValue(uriTag))
            {
                uris.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return uris;
    }
}
