namespace MtlsOperator.Engine.PathRules;

/// <summary>The meaning of spec.paths for one request, written as plain code (deliberately not the regular expressions the proxies
/// get, see <see cref="PathPatterns"/>): the predictor uses it and the tests hold the rendered patterns equal to it.
/// The path is the request target up to the first '?', exactly as the client sent it (no decoding, no normalisation).</summary>
public static class RequestPath
{
    /// <summary>Bytes whose %-escape is refused: an app that decodes them could read the path as another one (letters, digits and
    /// '-._~' spell a prefix; '/', '\' and ';' end a segment; '%' would be decoded twice; control characters end strings; a space
    /// may be trimmed).</summary>
    public static bool IsRefusedEscape(int value) =>
        value is <= 0x20 or 0x7f or '%' or '/' or '\\' or ';' or '-' or '.' or '_' or '~'
        || char.IsAsciiLetterOrDigit((char)value);

    /// <summary>The path of <paramref name="target"/> (a request target): before the query, and for an absolute-form target
    /// (<c>http://host/x</c>, which HTTP/1.1 servers must accept) after the authority, as HAProxy's <c>path</c> and nginx read it.</summary>
    public static string PathOf(string target)
    {
        var path = target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? target[..q] : target;
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && path[..scheme].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && char.IsAsciiLetter(path[0]))
        {
            var slash = path.IndexOf('/', scheme + 3);
            return slash < 0 ? "" : path[slash..];
        }

        return path;
    }

    /// <summary>Why a request for <paramref name="target"/> is refused (400) on a listener with path rules; null when its spelling is
    /// canonical enough that every common app reads the same path the proxy decides on.</summary>
    public static string? Refusal(string target)
    {
        var path = PathOf(target);
        if (path.Length == 0 || path[0] != '/')
        {
            return "the path does not start with '/'";
        }

        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            if (segments[i].Length == 0 && i < segments.Length - 1)
            {
                return "an empty segment ('//')";
            }

            if (segments[i] is "." or "..")
            {
                return "a dot segment";
            }
        }

        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c is < '!' or > '~')
            {
                return "a control, space or non-ASCII character";
            }

            if (c is '\\' or ';' or '#')
            {
                return $"a '{c}'";
            }

            if (c == '%')
            {
                if (i + 2 >= path.Length || !char.IsAsciiHexDigit(path[i + 1]) || !char.IsAsciiHexDigit(path[i + 2]))
                {
                    return "a '%' not followed by two hex digits";
                }

                if (IsRefusedEscape(Convert.ToInt32(path.Substring(i + 1, 2), 16)))
                {
                    return $"the escape {path.Substring(i, 3)}";
                }
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="prefix"/> covers the path of <paramref name="target"/>: the path starts with it (ASCII case
    /// ignored) and ends there or continues with '/' or '.'.</summary>
    public static bool IsUnder(string target, string prefix)
    {
        var path = PathOf(target);
        return path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && (path.Length == prefix.Length || path[prefix.Length] is '/' or '.');
    }

    /// <summary>The index in <paramref name="prefixes"/> of the longest prefix covering <paramref name="target"/>, or null when none does.</summary>
    public static int? ScopeOf(string target, IReadOnlyList<string> prefixes)
    {
        int? best = null;
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (IsUnder(target, prefixes[i]) && (best is null || prefixes[i].Length > prefixes[best.Value].Length))
            {
                best = i;
            }
        }

        return best;
    }
}
