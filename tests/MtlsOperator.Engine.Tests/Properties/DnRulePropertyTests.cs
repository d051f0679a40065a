using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Rendering.DistinguishedNames;

namespace MtlsOperator.Engine.Tests.Properties;

/// <summary>Seeded properties of the DN rule parser and the rendered match patterns, over generated names (escapes, quoted values,
/// hex pairs, multi-valued RDNs, non-ASCII, literal asterisks) spelled in random but valid RFC 4514 ways. The patterns are
/// matched with .NET's regex engine against the engine's OpenSSL-exact printing (itself checked against openssl in
/// <c>CanonicalNameTests</c>). Replay a failure with <c>MTLS_TEST_SEED</c>.</summary>
public sealed class DnRulePropertyTests
{
    private const int Cases = 400;

    /// <summary>A printed name, and its attributes in print order (RDN, attribute within the RDN).</summary>
    private sealed record Printed(string Text, List<List<(string Type, string Value)>> Rdns, List<List<NameValue>> Der);

    /// <summary>The printed name with the attributes of each RDN sorted: rules may list them in any order.</summary>
    private static string AnyOrder(DistinguishedName name) =>
        string.Join(',', name.Rdns.Select(rdn => string.Join('+', rdn.Select(a => a.ToString()).Order(StringComparer.Ordinal))));

    private static Printed Generate(Random random, bool withLiteralStar = false)
    {
        var name = RandomNames.Name(random);
        if (withLiteralStar)
        {
            var rdn = name[random.Next(name.Count)];
            var index = random.Next(rdn.Count);
            var value = rdn[index].Value;
            var at = random.Next(value.Length + 1);
            rdn[index] = rdn[index] with { Value = value[..at] + "*" + value[at..], Tag = UniversalTagNumber() };
        }

        var parsed = DistinguishedName.FromDer(RandomNames.Der(name));
        return new Printed(parsed.ToString(), [.. parsed.Rdns.Select(r => r.Select(a => (a.Type, a.Value)).ToList())], name);
    }

    private static System.Formats.Asn1.UniversalTagNumber UniversalTagNumber() => System.Formats.Asn1.UniversalTagNumber.UTF8String;

    /// <summary>A valid, randomly spelled rule text for the name; with <paramref name="wildcard"/>, the stretch [From, To) of one
    /// value is written as a bare <c>*</c>.</summary>
    private static string Spell(Random random, Printed name, (int Rdn, int Attribute, int From, int To)? wildcard = null)
    {
        var sb = new StringBuilder();
        for (var r = 0; r < name.Rdns.Count; r++)
        {
            if (r > 0)
            {
                sb.Append(new[] { ",", ", ", " , " }[random.Next(3)]);
            }

            var order = Enumerable.Range(0, name.Rdns[r].Count).OrderBy(_ => random.Next()).ToList();
            for (var k = 0; k < order.Count; k++)
            {
                var a = order[k];
                if (k > 0)
                {
                    sb.Append(random.Next(2) == 0 ? "+" : " + ");
                }

                var (type, value) = name.Rdns[r][a];
                sb.Append(SpellType(random, type)).Append(random.Next(3) == 0 ? " = " : "=");
                if (wildcard is { } w && w.Rdn == r && w.Attribute == a)
                {
                    sb.Append(SpellValue(random, value[..w.From], atStart: true, atEnd: false, quotable: false))
                        .Append('*')
                        .Append(SpellValue(random, value[w.To..], atStart: false, atEnd: true, quotable: false));
                }
                else
                {
                    sb.Append(SpellValue(random, value, atStart: true, atEnd: true, quotable: true));
                }
            }
        }

        return sb.ToString();
    }

    private static string SpellType(Random random, string type)
    {
        var oid = type switch { "CN" => "2.5.4.3", "O" => "2.5.4.10", "OU" => "2.5.4.11", "L" => "2.5.4.7", "ST" => "2.5.4.8", "UID" => "0.9.2342.19200300.100.1.1", _ => "2.5.4.5" };
        return random.Next(4) switch
        {
            0 => oid,
            1 => "OID." + oid,
            2 => type.ToLowerInvariant(),
            _ => type,
        };
    }

    private static string SpellValue(Random random, string value, bool atStart, bool atEnd, bool quotable)
    {
        if (quotable && value.Length > 0 && random.Next(5) == 0)
        {
            return "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        }

        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var length = char.IsHighSurrogate(value[i]) ? 2 : 1;
            var c = value.Substring(i, length);
            var mustEscape = c is "," or "+" or "\"" or "\\" or "<" or ">" or ";" or "*"
                || (atStart && i == 0 && c is "#" or " ")
                || (atEnd && i + length == value.Length && c == " ");
            var choice = random.Next(4);
            if (choice == 0 || (mustEscape && choice == 1))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c))
                {
                    sb.Append('\\').Append(b.ToString(random.Next(2) == 0 ? "X2" : "x2", CultureInfo.InvariantCulture));
                }
            }
            else if (mustEscape || (choice == 1 && c is "=" or "#" or " "))
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(c);
            }

            i += length - 1;
        }

        return sb.ToString();
    }

    private static Regex Pattern(string rule, bool wildcards)
    {
        var body = OpensslDnPattern.TryBuild(rule, wildcards, out var error) ?? throw new InvalidOperationException($"\"{rule}\" not buildable: {error}");
        return new Regex("^" + body + "\\z", RegexOptions.CultureInvariant);
    }

    [Fact]
    public void Every_spelling_of_a_name_parses_to_the_name_openssl_prints_and_its_pattern_matches_it()
    {
        Seeded.ForAll(4514, Cases, (random, _) =>
        {
            var name = Generate(random, withLiteralStar: random.Next(3) == 0);
            var rule = Spell(random, name);
            foreach (var wildcards in new[] { false, true })
            {
                Assert.True(DistinguishedName.TryParse(rule, wildcards, out var parsed, out var error), $"\"{rule}\": {error}");
                Assert.True(AnyOrder(parsed!) == AnyOrder(DistinguishedName.FromDer(RandomNames.Der(name.Der))),
                    $"\"{rule}\" normalized to \"{parsed}\", expected \"{name.Text}\" (attributes of one RDN in any order)");
                Assert.True(Pattern(rule, wildcards).IsMatch(name.Text), $"\"{rule}\" (wildcards: {wildcards}) does not match \"{name.Text}\"");
                var text = parsed!.ToPatternText();
                Assert.True(DistinguishedName.TryParse(text, wildcards, out var again, out error) && again!.ToPatternText() == text,
                    $"pattern text \"{text}\" of \"{rule}\" does not parse back to itself: {error}");
            }
        });
    }

    [Fact]
    public void A_literal_asterisk_matches_only_an_asterisk()
    {
        Seeded.ForAll(2253, Cases, (random, _) =>
        {
            var name = Generate(random, withLiteralStar: true);
            var rule = Spell(random, name);
            var pattern = Pattern(rule, wildcards: true);
            var star = name.Text.IndexOf('*', StringComparison.Ordinal);
            foreach (var replacement in new[] { "x", "", "**", "\\2C" })
            {
                var other = name.Text[..star] + replacement + name.Text[(star + 1)..];
                Assert.True(!pattern.IsMatch(other), $"\"{rule}\" matches \"{other}\", not only \"{name.Text}\"");
            }
        });
    }

    [Fact]
    public void A_bare_asterisk_matches_any_stretch_of_its_value_and_nothing_across_values()
    {
        Seeded.ForAll(4512, Cases, (random, _) =>
        {
            var name = Generate(random);
            var r = random.Next(name.Rdns.Count);
            var a = random.Next(name.Rdns[r].Count);
            var value = name.Rdns[r][a].Value;
            var from = random.Next(value.Length + 1);
            var to = random.Next(from, value.Length + 1);
            while (from > 0 && from < value.Length && char.IsLowSurrogate(value[from]))
            {
                from--;
            }

            while (to < value.Length && char.IsLowSurrogate(value[to]))
            {
                to++;
            }

            var rule = Spell(random, name, (r, a, from, to));
            var pattern = Pattern(rule, wildcards: true);
            Assert.True(pattern.IsMatch(name.Text), $"\"{rule}\" does not match \"{name.Text}\"");
            if (!name.Text.Contains('*', StringComparison.Ordinal))
            {
                var escaped = rule.Replace("*", "\\2A", StringComparison.Ordinal);
                Assert.True(!Pattern(escaped, wildcards: true).IsMatch(name.Text), $"\"{escaped}\" (the wildcard escaped) still matches \"{name.Text}\"");
            }
            var stretched = name.Text.Replace(DnValueEscaping(value), DnValueEscaping(value) + ",OU=x", StringComparison.Ordinal);
            Assert.True(stretched == name.Text || !pattern.IsMatch(stretched), $"\"{rule}\" stretches over another attribute in \"{stretched}\"");
        });
    }

    [Fact]
    public void A_name_differing_in_one_character_does_not_match()
    {
        Seeded.ForAll(2254, Cases, (random, _) =>
        {
            var name = Generate(random);
            var pattern = Pattern(Spell(random, name), wildcards: true);
            var r = random.Next(name.Rdns.Count);
            var a = random.Next(name.Rdns[r].Count);
            var (type, value) = name.Rdns[r][a];
            var i = random.Next(value.Length);
            var changed = value[i] == 'Q' ? 'q' : 'Q';
            var mutated = name.Rdns.Select(rdn => rdn.ToList()).ToList();
            mutated[r][a] = (type, value[..i] + changed + value[(i + 1)..]);
            var other = string.Join(',', mutated.Select(rdn => string.Join('+', rdn.Select(x => x.Type + "=" + DnValueEscaping(x.Value)))));
            Assert.True(!pattern.IsMatch(other), $"a pattern for \"{name.Text}\" matches \"{other}\"");
        });
    }

    private static string DnValueEscaping(string value) => new DnAttribute("CN", value).ToString()[3..];
}
