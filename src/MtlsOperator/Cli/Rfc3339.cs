using System.Globalization;
using System.Text.RegularExpressions;

namespace MtlsOperator.Cli;

/// <summary>RFC 3339 date-times as Kubernetes writes them (<c>2026-12-01T10:00:00Z</c>, fractions and offsets allowed); nothing
/// looser, so a local-culture date never passes for one.</summary>
internal static partial class Rfc3339
{
    public static DateTimeOffset? Parse(string text) =>
        Shape().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value.ToUniversalTime()
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
