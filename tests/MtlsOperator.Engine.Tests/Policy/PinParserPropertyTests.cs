using System.Text;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Tests.Policy;

public sealed class PinParserPropertyTests
{
    private const string Alphabet = "0123456789abcdefABCDEFxyzXYZ:;-_ \t\n=+/\"'.,#sha1256SHAFingerprint\u200e\u00e9\u4e2d\0\ud83d";

    [Fact]
    public void Random_text_never_throws_and_yields_either_a_normalized_pin_or_a_problem()
    {
        var random = new Random(4514);
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(random);
            foreach (var algorithm in Enum.GetValues<PinAlgorithm>())
            {
                var result = PinParser.Parse(algorithm, text);

                Assert.True((result.Pin is null) != (result.Error is null), $"exactly one of pin or error for \"{text}\"");
                if (result.Pin is { } pin)
                {
                    Assert.Equal(algorithm, pin.Algorithm);
                    Assert.True(IsNormalized(pin), $"\"{text}\" normalized to \"{pin.Value}\"");
                }
            }
        }
    }

    [Fact]
    public void Any_digest_in_any_supported_spelling_round_trips()
    {
        var random = new Random(2253);
        for (var i = 0; i < 2_000; i++)
        {
            var digest = new byte[random.Next(2) == 0 ? 20 : 32];
            random.NextBytes(digest);
            var algorithm = digest.Length == 20 ? PinAlgorithm.Sha1 : PinAlgorithm.Sha256;
            var hex = Convert.ToHexString(digest);
            var separator = " :-"[random.Next(3)];
            var spelled = string.Join(separator, Enumerable.Range(0, digest.Length).Select(b => hex.Substring(b * 2, 2)));
            spelled = random.Next(2) == 0 ? spelled.ToLowerInvariant() : spelled;

            Assert.Equal(Convert.ToHexStringLower(digest), PinParser.Parse(algorithm, spelled).Pin?.Value);
            if (digest.Length == 32)
            {
                Assert.Equal(Convert.ToBase64String(digest), PinParser.Parse(PinAlgorithm.SpkiSha256, "sha256/" + Convert.ToBase64String(digest)).Pin?.Value);
            }
        }
    }

    private static bool IsNormalized(CertificatePin pin) => pin.Algorithm switch
    {
        PinAlgorithm.Sha1 => pin.Value.Length == 40 && pin.Value.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)),
        PinAlgorithm.Sha256 => pin.Value.Length == 64 && pin.Value.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)),
        _ => Convert.TryFromBase64String(pin.Value, new byte[48], out var n) && n == 32 && Convert.ToBase64String(Convert.FromBase64String(pin.Value)) == pin.Value,
    };

    private static string RandomText(Random random)
    {
        var length = random.Next(0, random.Next(2) == 0 ? 12 : 100);
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(random.Next(20) == 0 ? (char)random.Next(0, 0xFFFF) : Alphabet[random.Next(Alphabet.Length)]);
        }

        return sb.ToString();
    }
}
