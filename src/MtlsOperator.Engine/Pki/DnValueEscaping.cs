using System.Text;

namespace MtlsOperator.Engine.Pki;

/// <summary>RFC 4514 value escaping exactly as OpenSSL's RFC2253 name option does it, so a rule compares equal to what
/// nginx and HAProxy print: <c>,+"\&lt;&gt;;</c> with a backslash, a leading <c>#</c> or space and a trailing space likewise,
/// control characters and every byte of non-ASCII UTF-8 as <c>\XX</c>.</summary>
internal static class DnValueEscaping
{
    /// <summary>Pattern text: as <see cref="Escape"/>, plus every literal <c>*</c> escaped as <c>\*</c> and a bare <c>*</c>
    /// at each wildcard offset of <paramref name="value"/>. Equals <see cref="Escape"/> for a value without either.</summary>
    public static string EscapePattern(string value, IReadOnlyList<int> wildcards)
    {
        var sb = new StringBuilder(value.Length + 8);
        var next = 0;
        for (var i = 0; i < value.Length; i++)
        {
            while (next < wildcards.Count && wildcards[next] == i)
            {
                sb.Append('*');
                next++;
            }

            var length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length ? 2 : 1;
            var c = value[i];
            if (c >= 0x80 || c < 0x20 || c == 0x7f)
            {
                foreach (var b in Encoding.UTF8.GetBytes(value.Substring(i, length)))
                {
                    sb.Append('\\').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';' or '*' || (i == 0 && c is '#' or ' ') || (i == value.Length - 1 && c == ' '))
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(c);
            }

            i += length - 1;
        }

        for (; next < wildcards.Count; next++)
        {
            sb.Append('*');
        }

        return sb.ToString();
    }

    public static string Escape(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length + 8);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var c = (char)b;
            if (b >= 0x80 || b < 0x20 || b == 0x7f)
            {
                sb.Append('\\').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && c is '#' or ' ')
                || (i == bytes.Length - 1 && c == ' '))
            {
                sb.Append('\\').Append(c);
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
