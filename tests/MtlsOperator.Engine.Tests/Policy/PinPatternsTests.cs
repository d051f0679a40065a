using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Tests.Policy;

/// <summary>The CRD patterns on pin fields agree with the parser: every spelling the docs promise passes both with the same digest,
/// and whatever the pattern lets through to the engine the parser accepts, outside the two supersets PinPatterns documents.
/// Seeded: a failure prints its seed; PIN_PATTERN_SEED=n replays it.</summary>
public sealed class PinPatternsTests
{
    private static readonly int s_seed = int.TryParse(Environment.GetEnvironmentVariable("PIN_PATTERN_SEED"), CultureInfo.InvariantCulture, out var s)
        ? s : Environment.TickCount;

    private static readonly Dictionary<PinAlgorithm, Regex> s_patterns = new()
    {
        [PinAlgorithm.Sha1] = new Regex(PinPatterns.Sha1, RegexOptions.CultureInvariant),
        [PinAlgorithm.Sha256] = new Regex(PinPatterns.Sha256, RegexOptions.CultureInvariant),
        [PinAlgorithm.SpkiSha256] = new Regex(PinPatterns.SpkiSha256, RegexOptions.CultureInvariant),
    };

    private static readonly Dictionary<PinAlgorithm, string[]> s_labels = new()
    {
        [PinAlgorithm.Sha1] = ["", "sha1:", "SHA1 Fingerprint=", "sha-1: ", "Thumbprint: ", "SHA1="],
        [PinAlgorithm.Sha256] = ["", "sha256:", "SHA256 Fingerprint=", "sha-256 : ", "thumbprint=", "sha256/"],
        [PinAlgorithm.SpkiSha256] = ["", "sha256/", "pin-sha256=", "spki-sha256:", "SPKI: ", "sha256:"],
    };

    [Fact]
    public void Every_promised_spelling_passes_the_pattern_and_parses_to_the_same_digest()
    {
        var random = new Random(s_seed);
        for (var i = 0; i < 3_000; i++)
        {
            var algorithm = (PinAlgorithm)random.Next(3);
            var digest = new byte[algorithm == PinAlgorithm.Sha1 ? 20 : 32];
            random.NextBytes(digest);
            var text = Spell(random, algorithm, digest, out var expected);

            Assert.True(s_patterns[algorithm].IsMatch(text), $"seed {s_seed}: pattern of {algorithm} rejects \"{Visible(text)}\"");
            Assert.True(PinParser.Parse(algorithm, text).Pin?.Value == expected, $"seed {s_seed}: parser disagrees on \"{Visible(text)}\"");
        }
    }

    [Fact]
    public void What_the_pattern_admits_the_parser_accepts()
    {
        var random = new Random(s_seed);
        var admitted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var algorithm = (PinAlgorithm)random.Next(3);
            var digest = new byte[algorithm == PinAlgorithm.Sha1 ? 20 : 32];
            random.NextBytes(digest);
            var text = Mutate(random, Spell(random, algorithm, digest, out _));
            if (!s_patterns[algorithm].IsMatch(text) || InDocumentedSuperset(algorithm, text))
            {
                continue;
            }

            admitted++;
            var parsed = PinParser.Parse(algorithm, text);
            Assert.True(parsed.Pin is not null, $"seed {s_seed}: pattern of {algorithm} admits \"{Visible(text)}\", which the parser refuses: {parsed.Error}");
        }

        Assert.True(admitted > 1_000, $"seed {s_seed}: only {admitted} mutants passed the pattern; the property tested little");
    }

    [Theory]
    [InlineData("AB:CD", PinAlgorithm.Sha1)]
    [InlineData("3A7B", PinAlgorithm.Sha256)]
    [InlineData("sha1:0123456789012345678901234567890123456789", PinAlgorithm.Sha256)]
    [InlineData("zz23456789012345678901234567890123456789", PinAlgorithm.Sha1)]
    [InlineData("sha256/tooShort=", PinAlgorithm.SpkiSha256)]
    public void Malformed_pins_fail_the_pattern(string text, PinAlgorithm algorithm) =>
        Assert.DoesNotMatch(s_patterns[algorithm], text);

    private static string Spell(Random random, PinAlgorithm algorithm, byte[] digest, out string expected)
    {
        string body;
        if (algorithm == PinAlgorithm.SpkiSha256 && random.Next(3) > 0)
        {
            expected = Convert.ToBase64String(digest);
            body = random.Next(4) switch
            {
                0 => expected.TrimEnd('='),
                1 => expected.Replace('+', '-').Replace('/', '_'),
                _ => expected,
            };
        }
        else
        {
            var hex = random.Next(2) == 0 ? Convert.ToHexString(digest) : Convert.ToHexStringLower(digest);
            var separator = new[] { "", ":", " ", "-", ": " }[random.Next(5)];
            body = string.Join(separator, Enumerable.Range(0, digest.Length).Select(b => hex.Substring(b * 2, 2)));
            expected = algorithm == PinAlgorithm.SpkiSha256 ? Convert.ToBase64String(digest) : Convert.ToHexStringLower(digest);
        }

        var label = s_labels[algorithm][random.Next(s_labels[algorithm].Length)];
        var quote = random.Next(4) switch { 0 => "\"", 1 => "'", _ => "" };
        var text = label + quote + body + quote;
        if (label.Length == 0 && quote.Length == 0 && random.Next(3) == 0)
        {
            text = (random.Next(2) == 0 ? "\"" : "'") is var q ? q + text + q : text;
        }

        // Windows' certificate dialog prefixes a left-to-right mark; people paste surrounding blanks.
        return (random.Next(5) == 0 ? "\u200e" : "") + (random.Next(4) == 0 ? "  " : "") + text + (random.Next(4) == 0 ? " \n" : "");
    }

    private const string MutationAlphabet = "0123456789abcdefABCDEFghxyzGZ:-_ =+/\"'\t.;shaSHA1256";

    private static string Mutate(Random random, string text)
    {
        var sb = new StringBuilder(text);
        for (var n = random.Next(1, 4); n > 0 && sb.Length > 0; n--)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(3))
            {
                case 0: sb.Remove(at, 1); break;
                case 1: sb.Insert(at, MutationAlphabet[random.Next(MutationAlphabet.Length)]); break;
                default: sb[at] = MutationAlphabet[random.Next(MutationAlphabet.Length)]; break;
            }
        }

        return sb.ToString();
    }

    /// <summary>The two cases PinPatterns lets through on purpose (the engine reports them as InvalidPin).</summary>
    private static bool InDocumentedSuperset(PinAlgorithm algorithm, string text)
    {
        if (text.Contains('"') || text.Contains('\''))
        {
            return true;
        }

        var body = new string([.. text.Where(c => !char.IsWhiteSpace(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)]);
        body = Regex.Replace(body, "^(?i:sha-?256(fingerprint)?|pin-sha256|spki-sha256|spki|thumbprint)[:=/]", "");
        return algorithm == PinAlgorithm.SpkiSha256 && body.Length == 43 && body.All(c => char.IsAsciiHexDigit(c) || c == '-');
    }

    private static string Visible(string text) => string.Concat(text.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
