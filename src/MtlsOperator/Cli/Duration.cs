using System.Globalization;
using System.Text.RegularExpressions;

namespace MtlsOperator.Cli;

/// <summary>A duration flag as Kubernetes tools write them: <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>1m30s</c>, or plain seconds.</summary>
internal static partial class Duration
{
    public static TimeSpan Parse(string flag, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) && plain > 0 && plain < 86_400)
        {
            return TimeSpan.FromSeconds(plain);
        }

        var match = Parts().Match(text);
        if (!match.Success || match.Length == 0)
        {
            throw new FormatException($"{flag} {text} is not a duration (examples: 15s, 2m, 1m30s)");
        }

        var total = TimeSpan.Zero;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value[^1];
            var value = double.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            total += unit switch { 'h' => TimeSpan.FromHours(value), 'm' => TimeSpan.FromMinutes(value), _ => TimeSpan.FromSeconds(value) };
        }

        return total > TimeSpan.Zero && total < TimeSpan.FromDays(1) ? total : throw new FormatException($"{flag} {text} must be more than 0 and less than a day");
    }

    [GeneratedRegex(@"^(?<part>[0-9]+(\.[0-9]+)?[hms])+$")]
    private static partial Regex Parts();
}
