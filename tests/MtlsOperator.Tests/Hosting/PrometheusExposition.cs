using System.Globalization;
using System.Text.RegularExpressions;

namespace MtlsOperator.Tests.Hosting;

/// <summary>A strict reader of the Prometheus text exposition format 0.0.4, written from the format's specification
/// (prometheus/docs content/docs/instrumenting/exposition_formats.md), independent of the exporter it checks.</summary>
/// <remarks>Returns every violation rather than stopping at the first, so one failing test names them all.</remarks>
internal static partial class PrometheusExposition
{
    private static readonly HashSet<string> s_types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>The samples, keyed by metric name and then by the canonical label set, plus the violations found.</summary>
    public static (IReadOnlyList<Sample> Samples, IReadOnlyList<string> Violations) Read(string text)
    {
        var violations = new List<string>();
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        var finishedFamilies = new HashSet<string>(StringComparer.Ordinal);
        var seriesSeen = new HashSet<string>(StringComparer.Ordinal);
        string? currentFamily = null;
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            violations.Add("the exposition does not end with a line feed");
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var at = $"line {i + 1} '{line}'";
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                if (!comment.Success)
                {
                    continue;
                }

                var name = comment.Groups["name"].Value;
                if (!MetricName().IsMatch(name))
                {
                    violations.Add($"{at}: invalid metric name");
                }

                if (comment.Groups["kind"].Value == "TYPE")
                {
                    var type = comment.Groups["rest"].Value;
                    if (!s_types.Contains(type))
                    {
                        violations.Add($"{at}: unknown type {type}");
                    }

                    if (!types.TryAdd(name, type))
                    {
                        violations.Add($"{at}: a second TYPE line for {name}");
                    }

                    if (samples.Any(s => FamilyOf(s.Name, types) == name))
                    {
                        violations.Add($"{at}: TYPE for {name} after its samples");
                    }
                }
                else if (!helped.Add(name))
                {
                    violations.Add($"{at}: a second HELP line for {name}");
                }

                StartFamily(name);
                continue;
            }

            var sample = SampleLine().Match(line);
            if (!sample.Success)
            {
                violations.Add($"{at}: not a sample line");
                continue;
            }

            var metric = sample.Groups["name"].Value;
            var labels = ParseLabels(sample.Groups["labels"].Value, at, violations);
            if (!TryParseValue(sample.Groups["value"].Value, out var value))
            {
                violations.Add($"{at}: invalid value");
            }

            var family = FamilyOf(metric, types);
            if (family != currentFamily)
            {
                StartFamily(family);
            }

            var series = metric + "{" + string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!seriesSeen.Add(series))
            {
                violations.Add($"{at}: duplicate series {series}");
            }

            samples.Add(new Sample(metric, labels, value));
        }

        foreach (var (family, type) in types)
        {
            if (type == "histogram")
            {
                CheckHistogram(family, samples, violations);
            }
            else if (samples.Any(s => s.Name != family && s.Name.StartsWith(family + "_", StringComparison.Ordinal) && FamilyOf(s.Name, types) == family))
            {
                violations.Add($"{family}: samples of a {type} must carry the family's own name");
            }
        }

        return (samples, violations);

        void StartFamily(string family)
        {
            if (family == currentFamily)
            {
                return;
            }

            if (currentFamily is not null)
            {
                finishedFamilies.Add(currentFamily);
            }

            if (finishedFamilies.Contains(family))
            {
                violations.Add($"the lines of {family} are not contiguous");
            }

            currentFamily = family;
        }
    }

    /// <summary>One sample line.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private static void CheckHistogram(string family, List<Sample> samples, List<string> violations)
    {
        var members = samples.Where(s => s.Name.StartsWith(family, StringComparison.Ordinal)).ToList();
        foreach (var group in members.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))))
        {
            var buckets = group.Where(s => s.Name == family + "_bucket").ToList();
            var count = group.SingleOrDefault(s => s.Name == family + "_count");
            if (group.SingleOrDefault(s => s.Name == family + "_sum") is null || count is null || buckets.Count == 0)
            {
                violations.Add($"{family}{{{group.Key}}}: a histogram needs _bucket, _sum and _count");
                continue;
            }

            var bounds = buckets.Select(b => b.Labels.TryGetValue("le", out var le) && TryParseValue(le, out var v) ? v : double.NaN).ToList();
            if (bounds.Any(double.IsNaN))
            {
                violations.Add($"{family}{{{group.Key}}}: a bucket without a numeric le");
                continue;
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (bounds[i] <= bounds[i - 1])
                {
                    violations.Add($"{family}{{{group.Key}}}: le not increasing at {bounds[i]}");
                }

                if (buckets[i].Value < buckets[i - 1].Value)
                {
                    violations.Add($"{family}{{{group.Key}}}: bucket counts not cumulative at le={bounds[i]}");
                }
            }

            if (!double.IsPositiveInfinity(bounds[^1]))
            {
                violations.Add($"{family}{{{group.Key}}}: the last bucket is not le=\"+Inf\"");
            }
            else if (buckets[^1].Value != count.Value)
            {
                violations.Add($"{family}{{{group.Key}}}: the +Inf bucket ({buckets[^1].Value}) differs from _count ({count.Value})");
            }
        }
    }

    private static string FamilyOf(string metric, Dictionary<string, string> types)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (metric.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(metric[..^suffix.Length], out var t) && t is "histogram" or "summary")
            {
                return metric[..^suffix.Length];
            }
        }

        return metric;
    }

    private static Dictionary<string, string> ParseLabels(string text, string at, List<string> violations)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = text;
        while (rest.Length > 0)
        {
            var label = Label().Match(rest);
            if (!label.Success)
            {
                violations.Add($"{at}: malformed labels near '{rest}'");
                break;
            }

            var name = label.Groups["name"].Value;
            if (name.StartsWith("__", StringComparison.Ordinal))
            {
                violations.Add($"{at}: label {name} uses the reserved __ prefix");
            }

            if (!labels.TryAdd(name, Unescape(label.Groups["value"].Value)))
            {
                violations.Add($"{at}: label {name} given twice");
            }

            rest = rest[label.Length..];
        }

        return labels;
    }

    private static string Unescape(string value) => value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !text.Contains("Infinity", StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>\S+)(?: (?<rest>.*))?$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    // A label value is a double-quoted string in which only \\, \" and \n are escapes.
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^\n]*)\})? (?<value>\S+)(?: -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\\n]|\\[\\""n])*)"",?")]
    private static partial Regex Label();
}
