using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace MtlsOperator.Engine.Rendering.DistinguishedNames;

/// <summary>One piece of an attribute value in a rule: literal UTF-8 bytes, or a wildcard (<see cref="Bytes"/> is null).</summary>
internal sealed record DnValueToken(byte[]? Bytes)
{
    public static readonly DnValueToken Wildcard = new((byte[]?)null);

    public bool IsWildcard => Bytes is null;
}

/// <summary>One attribute of a rule DN, its type already translated to OpenSSL's short name.</summary>
internal sealed record DnAttribute(string Type, ImmutableArray<DnValueToken> Value);

/// <summary>A DN from a policy rule (RFC 4514 text, most specific RDN first), parsed into RDNs of attributes.</summary>
internal sealed record DnPolicyName(ImmutableArray<ImmutableArray<DnAttribute>> Rdns)
{
    /// <summary>Parses RFC 4514 text. With <paramref name="wildcards"/>, an unescaped <c>*</c> in a value matches any characters
    /// within that value; escaped (<c>\*</c>, <c>\2A</c>) it is literal. Fails on what the proxies could not be matched against exactly.</summary>
    public static DnPolicyName? TryParse(string text, bool wildcards, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the DN is empty";
            return null;
        }

        var rdns = ImmutableArray.CreateBuilder<ImmutableArray<DnAttribute>>();
        var current = ImmutableArray.CreateBuilder<DnAttribute>();
        var i = 0;
        while (true)
        {
            var attribute = ReadAttribute(text, ref i, wildcards, out error);
            if (attribute is null)
            {
                return null;
            }

            current.Add(attribute);
            if (i >= text.Length)
            {
                rdns.Add(current.ToImmutable());
                break;
            }

            if (text[i] == ',')
            {
                rdns.Add(current.ToImmutable());
                current.Clear();
            }

            i++;
        }

        return new DnPolicyName(rdns.ToImmutable());
    }

    private static DnAttribute? ReadAttribute(string text, ref int i, bool wildcards, out string? error)
    {
        var equals = text.IndexOf('=', i);
        if (equals < 0)
        {
            error = $"\"{text[i..]}\" has no '='";
            return null;
        }

        var typeText = text[i..equals].Trim();
        var type = OpensslAttributeNames.Find(typeText);
        if (type is null)
        {
            error = $"attribute type \"{typeText}\" is not a known DN attribute (use CN, O, OU, C, L, ST, DC, UID, emailAddress, ... or a known OID)";
            return null;
        }

        i = equals + 1;
        if (i < text.Length && text[i] == '#')
        {
            error = $"the value of {typeText} is in hex-encoded BER form (#...), which cannot be matched; write the value as text";
            return null;
        }

        var tokens = ImmutableArray.CreateBuilder<DnValueToken>();
        var literal = new List<byte>();
        for (; i < text.Length && text[i] is not (',' or '+'); i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (!TryReadEscape(text, ref i, literal))
                {
                    error = $"the value of {typeText} ends in an incomplete escape";
                    return null;
                }

                continue;
            }

            if (c is '"' or ';' or '<' or '>' || char.IsControl(c))
            {
                error = $"the value of {typeText} contains an unescaped '{Printable(c)}'; escape it with '\\'";
                return null;
            }

            if (c == '*' && wildcards)
            {
                Flush(literal, tokens);
                if (tokens.Count == 0 || !tokens[^1].IsWildcard)
                {
                    tokens.Add(DnValueToken.Wildcard);
                }

                continue;
            }

            if (!TryAppendRune(text, ref i, literal))
            {
                error = $"the value of {typeText} is not valid UTF-16 text";
                return null;
            }
        }

        Flush(literal, tokens);
        var value = tokens.ToImmutable();
        if (value.Any(t => t.Bytes is { } b && b.Any(x => x < 0x20 || x == 0x7f)))
        {
            error = $"the value of {typeText} contains control characters, which cannot be matched reliably";
            return null;
        }

        error = null;
        return new DnAttribute(type, value);
    }

    /// <summary>Reads <c>\c</c> or <c>\XX</c> at <paramref name="i"/> (pointing at the backslash), leaving <paramref name="i"/> on its last character.</summary>
    private static bool TryReadEscape(string text, ref int i, List<byte> literal)
    {
        if (i + 1 >= text.Length)
        {
            return false;
        }

        if (i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
        {
            literal.Add(byte.Parse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            i += 2;
            return true;
        }

        i++;
        return TryAppendRune(text, ref i, literal);
    }

    /// <summary>Appends the UTF-8 bytes of the character at <paramref name="i"/>, leaving <paramref name="i"/> on its last UTF-16 unit.</summary>
    private static bool TryAppendRune(string text, ref int i, List<byte> literal)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[4];
        var n = rune.EncodeToUtf8(utf8);
        for (var k = 0; k < n; k++)
        {
            literal.Add(utf8[k]);
        }

        i += consumed - 1;
        return true;
    }

    private static void Flush(List<byte> literal, ImmutableArray<DnValueToken>.Builder tokens)
    {
        if (literal.Count > 0)
        {
            tokens.Add(new DnValueToken(literal.ToArray()));
            literal.Clear();
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
