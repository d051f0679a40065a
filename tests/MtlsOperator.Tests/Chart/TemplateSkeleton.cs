using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MtlsOperator.Cli;
using YamlDotNet.Core;

namespace MtlsOperator.Tests.Chart;

/// <summary>
/// A Helm template read as YAML without Helm (no helm binary can be installed here), by two small textual steps:
/// <list type="number">
/// <item>a line holding nothing but template actions (<c>{{- if }}</c>, <c>{{- end }}</c>, <c>{{- with }}</c>,
/// <c>{{- include ... | nindent 4 }}</c>, <c>{{/* */}}</c>) is removed, so every branch of every conditional is kept
/// and blocks inserted by <c>include</c>/<c>toYaml</c> are left out;</item>
/// <item>an action inside a line is replaced by a scalar: the chart's default value when the action is just a
/// <c>.Values</c> path to a scalar (optionally <c>| quote</c>), otherwise a placeholder <c>__tplN__</c>, the same N
/// for the same action text, so two fields filled by the same expression still compare equal.</item>
/// </list>
/// What remains must parse as YAML. That proves the literal structure (kinds, fields, nesting, indentation of the
/// fixed parts), not what Helm renders from the values.
/// </summary>
internal sealed partial class TemplateSkeleton
{
    private readonly List<string> _expressions;

    private TemplateSkeleton(string file, string text, IReadOnlyList<JsonNode> documents, IReadOnlyList<string> expressions)
    {
        File = file;
        Text = text;
        Documents = documents;
        _expressions = [.. expressions];
    }

    /// <summary>The template's path under the chart, e.g. <c>templates/deployment.yaml</c>.</summary>
    public string File { get; }

    /// <summary>The pre-processed text that was parsed.</summary>
    public string Text { get; }

    /// <summary>The YAML documents of the skeleton.</summary>
    public IReadOnlyList<JsonNode> Documents { get; }

    /// <summary>The placeholder standing for <paramref name="action"/> (its text between the braces, trimmed).</summary>
    public string PlaceholderOf(string action) =>
        _expressions.IndexOf(action) is var i and >= 0 ? Placeholder(i) : throw new ArgumentException($"{File} has no action {{{{ {action} }}}}", nameof(action));

    /// <summary><paramref name="value"/> with the placeholders of the <paramref name="known"/> actions replaced by what Helm
    /// renders for them (actions this file does not have are skipped).</summary>
    public string Rendered(string value, IEnumerable<(string Action, string Text)> known) =>
        known.Where(k => _expressions.Contains(k.Action)).Aggregate(value, (v, k) => v.Replace(PlaceholderOf(k.Action), k.Text, StringComparison.Ordinal));

    /// <summary>Reads <paramref name="text"/>; throws <see cref="FormatException"/> saying which line defeats the reading.</summary>
    public static TemplateSkeleton Read(string file, string text, JsonNode? values)
    {
        var expressions = new List<string>();
        var lines = new List<string>();
        var sourceLines = text.Split('\n');
        for (var n = 0; n < sourceLines.Length; n++)
        {
            var line = sourceLines[n].TrimEnd('\r');
            if (ActionsOnly().IsMatch(line))
            {
                continue;
            }

            // A Go raw-string action ({{ `text` }}) renders its text as written: it is how a template writes a
            // literal "{{" for another templating system (Prometheus alert annotations).
            var replaced = Action().Replace(RawStringAction().Replace(line, "\u0000"), m => Substitute(m.Groups["body"].Value.Trim(), values, expressions));
            if (replaced.Contains("{{", StringComparison.Ordinal) || replaced.Contains("}}", StringComparison.Ordinal))
            {
                throw new FormatException($"{file} line {n + 1}: a template action spans lines, so this test cannot read it as YAML: {line.Trim()}");
            }

            lines.Add(RawStringAction().IsMatch(line) ? SpliceRawStrings(line, replaced) : replaced);
        }

        var skeleton = string.Join('\n', lines);
        try
        {
            return new TemplateSkeleton(file, skeleton, ManifestYaml.ReadDocuments(skeleton), expressions);
        }
        catch (YamlException e)
        {
            var at = (int)e.Start.Line - 1;
            var context = at >= 0 && at < lines.Count ? lines[at].Trim() : "";
            throw new FormatException(
                $"{file} does not parse as YAML once whole-line actions are removed and inline ones replaced by scalars: {e.Message} (skeleton line {at + 1}: '{context}')", e);
        }
    }

    private static string Substitute(string action, JsonNode? values, List<string> expressions)
    {
        var quoted = action.EndsWith("| quote", StringComparison.Ordinal);
        var path = quoted ? action[..^"| quote".Length].Trim() : action;
        if (ValuesPath().IsMatch(path) && Lookup(values, path[".Values.".Length..]) is JsonValue value)
        {
            var text = value.ToJsonString();
            return quoted || value.GetValueKind() != System.Text.Json.JsonValueKind.String ? text : text[1..^1];
        }

        var index = expressions.IndexOf(action);
        if (index < 0)
        {
            expressions.Add(action);
            index = expressions.Count - 1;
        }

        return Placeholder(index);
    }

    private static JsonNode? Lookup(JsonNode? values, string dottedPath)
    {
        var node = values;
        foreach (var key in dottedPath.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(key, out var child) ? child : null;
        }

        return node;
    }

    /// <summary>Puts the raw strings' text back where <see cref="Read"/> held their places with NUL while substituting the other actions.</summary>
    private static string SpliceRawStrings(string line, string replaced)
    {
        var texts = new Queue<string>(RawStringAction().Matches(line).Select(m => m.Groups["text"].Value));
        return string.Concat(replaced.Split('\u0000').Select((part, i) => i == 0 ? part : texts.Dequeue() + part));
    }

    private static string Placeholder(int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"__tpl{index}__");

    [GeneratedRegex(@"^\s*(\{\{.*?\}\}\s*)+$")]
    private static partial Regex ActionsOnly();

    [GeneratedRegex(@"\{\{-?\s*`(?<text>[^`]*)`\s*-?\}\}")]
    private static partial Regex RawStringAction();

    [GeneratedRegex(@"\{\{-?(?<body>.*?)-?\}\}")]
    private static partial Regex Action();

    [GeneratedRegex(@"^\.Values(\.[A-Za-z_][A-Za-z0-9_]*)+$")]
    private static partial Regex ValuesPath();
}
