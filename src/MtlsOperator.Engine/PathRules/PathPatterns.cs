using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.PathRules;

/// <summary>The regular expressions the proxies get for <see cref="RequestPath"/>, in the syntax PCRE (HAProxy, nginx) and RE2 (Envoy)
/// share. Each proxy applies them case-insensitively to the raw request target; tests hold them equal to <see cref="RequestPath"/>.</summary>
public static class PathPatterns
{
    /// <summary>An escape <see cref="RequestPath.IsRefusedEscape"/> refuses: controls, space, '%', '-./', digits, ';', letters, '\_', '~', DEL.</summary>
    private const string RefusedEscape = "%([01][0-9a-f]|2[05d-f]|3[0-9b]|[46][1-9a-f]|[57][0-9a]|5[cf]|7[ef])";

    /// <summary>Refused anywhere in the path (before the query), given the end of the path as <paramref name="end"/>.</summary>
    private static string Anywhere(string end) =>
        $@"//|/\.\.?(/|{end})|[\\;#]|{RefusedEscape}|%([^0-9a-f]|[0-9a-f][^0-9a-f]|[0-9a-f]?({end}))|[^\x21-\x7e]";

    /// <summary>Matches (unanchored search) a path (the target before '?') that <see cref="RequestPath.Refusal"/> refuses.</summary>
    public static string RefusedPath => $"^([^/]|$)|{Anywhere("$")}";

    /// <summary>Matches (unanchored search) a whole request target, query included, whose path <see cref="RequestPath.Refusal"/> refuses
    /// (nginx has the raw target only with its query: <c>$request_uri</c>).</summary>
    public static string RefusedTarget => $@"^([^/?]|\?|$)|^[^?]*({Anywhere(@"\?|$")})";

    /// <summary>Matches (anchored) a path <see cref="RequestPath.IsUnder"/> puts under <paramref name="prefix"/>.</summary>
    public static string UnderPath(string prefix) => "^" + Regex.Escape(prefix) + "([/.].*)?$";

    /// <summary>Matches (anchored) a whole request target, query included, whose path is under <paramref name="prefix"/>.</summary>
    public static string UnderTarget(string prefix) => "^" + Regex.Escape(prefix) + @"([/.?].*)?$";
}
