using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Rendering.DistinguishedNames;

/// <summary>Regular expressions (PCRE, unanchored bodies) matching a rule DN against OpenSSL's RFC 2253 rendering of a
/// certificate name, which both HAProxy (<c>ssl_c_s_dn(,0,rfc2253)</c>) and nginx (<c>$ssl_client_s_dn</c>) print alike.</summary>
/// <remarks>
/// OpenSSL escapes <c>, + " \ &lt; &gt; ;</c> with a backslash, a leading <c>#</c> or space and a trailing space likewise,
/// and control characters and every byte of a non-ASCII character as <c>\XX</c> (uppercase hex of its UTF-8 bytes). Multi-valued RDNs print
/// in reverse DER order, which a policy cannot know, so every order is accepted. Values compare case-sensitively (fail closed).
/// Literal characters other than letters, digits, <c>= , - _ @ : /</c> and space are written as <c>\xHH</c>, so a pattern holds no
/// quote, <c>$</c>, <c>#</c>, brace or control character: it embeds in HAProxy single quotes verbatim and in nginx double
/// quotes with backslashes doubled.
/// </remarks>
public static class OpensslDnPattern
{
    /// <summary>Most attributes a multi-valued RDN in a rule may have (every order is spelled out).</summary>
    public const int MaxAttributesPerRdn = 3;

    /// <summary>A whole escaped DN of any content: what an absent rule field matches.</summary>
    public const string AnyName = @"(?:[^;\x5c]|\x5c.)*";

    /// <summary>One wildcard: any characters of a single attribute value, never its end (unescaped <c>,</c> or <c>+</c>).
    /// Escape pairs are consumed whole, so an escaped comma inside a value cannot end it early.</summary>
    public const string AnyValue = @"(?:[^,+;\x5c]|\x5c.)*";

    /// <summary>The regex body for <paramref name="dn"/> (RFC 4514, most specific RDN first); null with a reason when it cannot be matched.
    /// With <paramref name="wildcards"/>, each <c>*</c> in a value matches any characters of that one value.</summary>
    public static string? TryBuild(string dn, bool wildcards, out string? error)
    {
        if (!DistinguishedName.TryParse(dn, wildcards, out var parsed, out error))
        {
            return null;
        }

        if (parsed!.Rdns.FirstOrDefault(r => r.Length > MaxAttributesPerRdn) is { IsDefault: false } wide)
        {
            error = $"a multi-valued RDN has {wide.Length} attributes; at most {MaxAttributesPerRdn} are supported";
            return null;
        }

        return string.Join(",", parsed.Rdns.Select(rdn => Rdn(rdn, wildcards)));
    }

    private static string Rdn(ImmutableArray<DnAttribute> attributes, bool wildcards)
    {
        if (attributes.Length == 1)
        {
            return Attribute(attributes[0], wildcards);
        }

        var orders = Permutations(attributes).Select(p => string.Join(@"\x2b", p.Select(a => Attribute(a, wildcards)))).Distinct(StringComparer.Ordinal);
        return "(?:" + string.Join("|", orders) + ")";
    }

    private static string Attribute(DnAttribute attribute, bool wildcards)
    {
        var type = string.Concat(attribute.Type.Select(Literal));
        if (attribute.IsDerHex)
        {
            // OpenSSL dumps values without a text form as '#' + uppercase hex of their DER, unescaped.
            return type + "=" + Literal('#') + attribute.Value;
        }

        return type + "=" + Value(Tokens(attribute, wildcards));
    }

    /// <summary>The value as literal UTF-8 stretches and wildcards (null). Only the parser's wildcard offsets are wildcards:
    /// a <c>*</c> inside the value is a literal asterisk (written <c>\*</c>, <c>\2A</c> or inside quotes).</summary>
    private static List<byte[]?> Tokens(DnAttribute attribute, bool wildcards)
    {
        var offsets = wildcards && !attribute.Wildcards.IsDefault ? attribute.Wildcards : [];
        var tokens = new List<byte[]?>();
        var from = 0;
        foreach (var at in offsets)
        {
            if (at > from)
            {
                tokens.Add(Encoding.UTF8.GetBytes(attribute.Value[from..at]));
            }

            tokens.Add(null);
            from = at;
        }

        if (from < attribute.Value.Length || tokens.Count == 0)
        {
            tokens.Add(Encoding.UTF8.GetBytes(attribute.Value[from..]));
        }

        return tokens;
    }

    /// <summary>Tokens are literal UTF-8 bytes, or null for a wildcard.</summary>
    private static string Value(List<byte[]?> tokens)
    {
        var sb = new StringBuilder();
        for (var t = 0; t < tokens.Count; t++)
        {
            var bytes = tokens[t];
            if (bytes is null)
            {
                sb.Append(AnyValue);
                continue;
            }

            // Whether this literal can sit at the start / end of the value: certainly (nothing else beside it),
            // possibly (only a wildcard that may match nothing), or never.
            var atStart = t == 0 ? Position.Certain : t == 1 && tokens[0] is null ? Position.Possible : Position.Never;
            var last = tokens.Count - 1;
            var atEnd = t == last ? Position.Certain : t == last - 1 && tokens[last] is null ? Position.Possible : Position.Never;
            for (var b = 0; b < bytes.Length; b++)
            {
                var edge = Position.Never;
                if (b == 0 && bytes[b] is (byte)'#' or (byte)' ')
                {
                    edge = atStart;
                }

                if (b == bytes.Length - 1 && bytes[b] == (byte)' ')
                {
                    edge = Stronger(edge, atEnd);
                }

                AppendByte(sb, bytes[b], edge);
            }
        }

        return sb.ToString();
    }

    private enum Position
    {
        Never,
        Possible,
        Certain,
    }

    private static Position Stronger(Position a, Position b) => a > b ? a : b;

    private static void AppendByte(StringBuilder sb, byte b, Position edgeEscape)
    {
        if (b >= 0x80 || b < 0x20 || b == 0x7f)
        {
            sb.Append(@"\x5c").Append(b.ToString("X2", CultureInfo.InvariantCulture));
            return;
        }

        if (b is (byte)',' or (byte)'+' or (byte)'"' or (byte)'\\' or (byte)'<' or (byte)'>' or (byte)';' || edgeEscape == Position.Certain)
        {
            sb.Append(@"\x5c");
        }
        else if (edgeEscape == Position.Possible)
        {
            sb.Append(@"\x5c?");
        }

        sb.Append(Literal((char)b));
    }

    private static string Literal(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '=' or ',' or '-' or '_' or '@' or ':' or '/' or ' '
            ? c.ToString()
            : @"\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture);

    private static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
