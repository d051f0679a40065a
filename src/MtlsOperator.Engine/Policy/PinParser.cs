using System.Text;
using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.Policy;

/// <summary>A pin as read from the spec: the normalized pin, or a sentence saying what is wrong with it.</summary>
public sealed record PinParseResult(CertificatePin? Pin, string? Error)
{
    public static PinParseResult Ok(PinAlgorithm algorithm, string value) => new(new CertificatePin(algorithm, value), null);

    public static PinParseResult Fail(string error) => new(null, error);
}

/// <summary>Reads pins in the spellings people paste: <c>AB:CD:..</c>, <c>abcd..</c>, <c>ab cd ..</c>, labels such as
/// <c>SHA256 Fingerprint=</c> or <c>sha1:</c>, and for SPKI <c>sha256/BASE64</c> (HPKP), bare base64 or 64 hex digits.</summary>
public static partial class PinParser
{
    private const int Sha1HexLength = 40;
    private const int Sha256HexLength = 64;
    private const int Md5HexLength = 32;

    /// <summary>Reads <paramref name="text"/> written under the spec field for <paramref name="field"/>. Never throws.</summary>
    public static PinParseResult Parse(PinAlgorithm field, string? text)
    {
        var fieldName = FieldName(field);
        var body = Clean(text ?? "");
        if (body.Length == 0)
        {
            return PinParseResult.Fail($"is empty; paste the value printed by {OpensslHint(field)}.");
        }

        var label = LabelPattern().Match(body);
        string? labelled = null;
        if (label.Success)
        {
            labelled = label.Groups["label"].Value.ToLowerInvariant();
            body = Unquote(body[label.Length..].Trim());
        }

        if (labelled is not null && LabelledAlgorithm(labelled, field) is { } claimed && claimed != field)
        {
            return PinParseResult.Fail($"is labelled \"{label.Groups["label"].Value}\" but is under {fieldName}; put it under {FieldName(claimed)}.");
        }

        var hex = HexDigitsOf(body);
        return field == PinAlgorithm.SpkiSha256 ? ParseSpki(body, hex) : ParseThumbprint(field, body, hex);
    }

    /// <summary>The spec field name for an algorithm, as people write it in YAML.</summary>
    public static string FieldName(PinAlgorithm algorithm) => algorithm switch
    {
        PinAlgorithm.Sha1 => "sha1",
        PinAlgorithm.Sha256 => "sha256",
        _ => "spkiSha256",
    };

    private static PinParseResult ParseThumbprint(PinAlgorithm field, string body, string? hex)
    {
        var expected = field == PinAlgorithm.Sha1 ? Sha1HexLength : Sha256HexLength;
        if (hex is null)
        {
            if (Base64Of(body) is { Length: 32 })
            {
                return PinParseResult.Fail($"looks like a base64 SPKI pin, not a certificate thumbprint; put it under spkiSha256.");
            }

            if (!body.Any(c => !Uri.IsHexDigit(c) && !IsSeparator(c)))
            {
                return PinParseResult.Fail($"has separators but no hex digits; a {FieldName(field)} thumbprint is {expected} hex digits.");
            }

            var bad = body.First(c => !Uri.IsHexDigit(c) && !IsSeparator(c));
            return PinParseResult.Fail($"contains '{Printable(bad)}', which is not a hex digit; a {FieldName(field)} thumbprint is {expected} hex digits, " +
                "optionally separated by ':' or spaces.");
        }

        if (hex.Length == expected)
        {
            return PinParseResult.Ok(field, hex.ToLowerInvariant());
        }

        return PinParseResult.Fail(WrongLength(hex.Length, field));
    }

    private static PinParseResult ParseSpki(string body, string? hex)
    {
        if (hex is { Length: Sha256HexLength })
        {
            return PinParseResult.Ok(PinAlgorithm.SpkiSha256, Convert.ToBase64String(Convert.FromHexString(hex)));
        }

        if (hex is { Length: Sha1HexLength or Md5HexLength })
        {
            return PinParseResult.Fail(WrongLength(hex.Length, PinAlgorithm.SpkiSha256));
        }

        if (Base64Of(body) is not { } bytes)
        {
            return PinParseResult.Fail("is neither base64 nor 64 hex digits; an SPKI pin is the base64 SHA-256 of the public key " +
                $"(44 characters ending in '=', optionally prefixed sha256/), as printed by {OpensslHint(PinAlgorithm.SpkiSha256)}.");
        }

        if (bytes.Length != 32)
        {
            var hint = bytes.Length == 20 ? " (a SHA-1 size; SPKI pins are SHA-256)" : "";
            return PinParseResult.Fail($"decodes to {bytes.Length} bytes{hint}; an SPKI SHA-256 pin is 32 bytes, 44 base64 characters ending in '='.");
        }

        return PinParseResult.Ok(PinAlgorithm.SpkiSha256, Convert.ToBase64String(bytes));
    }

    private static string WrongLength(int digits, PinAlgorithm field)
    {
        var fieldName = FieldName(field);
        return digits switch
        {
            Sha1HexLength => $"has 40 hex digits, which is a SHA-1 certificate thumbprint; put it under sha1.",
            Sha256HexLength => $"has 64 hex digits, which is a SHA-256 thumbprint; put it under sha256.",
            Md5HexLength => "has 32 hex digits, which is an MD5 fingerprint; MD5 cannot be pinned, use the SHA-256 thumbprint " +
                $"({OpensslHint(PinAlgorithm.Sha256)}).",
            _ when field == PinAlgorithm.SpkiSha256 => $"has {digits} hex digits; an SPKI SHA-256 pin in hex has 64.",
            _ => $"has {digits} hex digits; a {fieldName} thumbprint has {(field == PinAlgorithm.Sha1 ? Sha1HexLength : Sha256HexLength)}. " +
                "Check that the whole value was copied.",
        };
    }

    /// <summary>The hex digits of <paramref name="body"/> when it is only hex digits and separators, else null.</summary>
    private static string? HexDigitsOf(string body)
    {
        var sb = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            if (Uri.IsHexDigit(c))
            {
                sb.Append(c);
            }
            else if (!IsSeparator(c))
            {
                return null;
            }
        }

        return sb.Length == 0 ? null : sb.ToString();
    }

    private static byte[]? Base64Of(string body)
    {
        var compact = new string(body.Where(c => !char.IsWhiteSpace(c)).Select(c => c switch { '-' => '+', '_' => '/', _ => c }).ToArray());
        if (compact.Length % 4 is 2 or 3)
        {
            compact += new string('=', 4 - (compact.Length % 4));
        }

        var buffer = new byte[(compact.Length * 3 / 4) + 3];
        return compact.Length > 0 && Convert.TryFromBase64String(compact, buffer, out var written) ? buffer[..written] : null;
    }

    private static PinAlgorithm? LabelledAlgorithm(string label, PinAlgorithm field)
    {
        if (label == "thumbprint")
        {
            return null;
        }

        if (label.StartsWith("sha1", StringComparison.Ordinal) || label.StartsWith("sha-1", StringComparison.Ordinal))
        {
            return PinAlgorithm.Sha1;
        }

        if (label.StartsWith("pin-sha256", StringComparison.Ordinal) || label.StartsWith("spki", StringComparison.Ordinal))
        {
            return PinAlgorithm.SpkiSha256;
        }

        // "sha256" labels both a certificate thumbprint (sha256:) and an HPKP SPKI pin (sha256/).
        return field == PinAlgorithm.Sha1 ? PinAlgorithm.Sha256 : field;
    }

    /// <summary>Drops invisible format characters (Windows' certificate dialog prefixes thumbprints with U+200E), quotes and outer space.</summary>
    private static string Clean(string text) =>
        Unquote(new string(text.Where(c => char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format).ToArray()).Trim());

    private static string Unquote(string text) =>
        text.Length >= 2 && text[0] == text[^1] && text[0] is '"' or '\'' ? text[1..^1].Trim() : text;

    private static bool IsSeparator(char c) => c is ':' or '-' or ' ' or '\t' or '\r' or '\n';

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();

    private static string OpensslHint(PinAlgorithm field) => field switch
    {
        PinAlgorithm.Sha1 => "openssl x509 -noout -fingerprint -sha1",
        PinAlgorithm.Sha256 => "openssl x509 -noout -fingerprint -sha256",
        _ => "openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64",
    };

    [GeneratedRegex(@"^(?<label>sha-?1(\s+fingerprint)?|sha-?256(\s+fingerprint)?|pin-sha256|spki-sha256|spki|thumbprint)\s*[:=/]\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}
