using System.Globalization;
using System.Text;

namespace MtlsOperator.Engine.Rendering.Envoy;

/// <summary>A protobuf enum value, written bare (unquoted) as Envoy's YAML loader expects.</summary>
internal readonly record struct YamlEnum(string Name);

/// <summary>An ordered YAML mapping: keys are written in insertion order, so the same model always gives the same bytes.</summary>
/// <remarks>Values are <see cref="string"/> (always double-quoted, JSON-style escapes, so no input can change the
/// document's structure), <see cref="int"/>, <see cref="bool"/>, <see cref="YamlEnum"/>, <see cref="YamlMap"/> or a
/// list of those. Written by hand rather than with a serializer to keep the engine free of YAML dependencies and the
/// output byte-stable across library versions.</remarks>
internal sealed class YamlMap
{
    private readonly List<KeyValuePair<string, object>> _entries = [];

    public YamlMap Add(string key, object value)
    {
        _entries.Add(new(key, value));
        return this;
    }

    public string ToYaml()
    {
        var sb = new StringBuilder();
        WriteMap(sb, this, 0, firstKeyIndented: true);
        return sb.ToString();
    }

    // One builder for the whole document: a mapping in a list is written in place, its first key after "- " and the rest
    // aligned with it, rather than built on its own and copied in (which copied a nested document once per level).
    private static void WriteMap(StringBuilder sb, YamlMap map, int indent, bool firstKeyIndented)
    {
        if (map._entries.Count == 0)
        {
            throw new InvalidOperationException("empty mappings are not rendered");
        }

        var first = true;
        foreach (var (key, value) in map._entries)
        {
            if (!first || firstKeyIndented)
            {
                sb.Append(' ', indent);
            }

            first = false;
            AppendKey(sb, key).Append(':');
            WriteValue(sb, value, indent);
        }
    }

    /// <summary>Writes what follows <c>key:</c> (or <c>- </c>): a scalar on the same line, a block on the next lines.</summary>
    private static void WriteValue(StringBuilder sb, object value, int indent)
    {
        switch (value)
        {
            case YamlMap m:
                sb.Append('\n');
                WriteMap(sb, m, indent + 2, firstKeyIndented: true);
                break;
            case IEnumerable<object> list:
                WriteList(sb, list, indent);
                break;
            default:
                AppendScalar(sb.Append(' '), value).Append('\n');
                break;
        }
    }

    private static void WriteList(StringBuilder sb, IEnumerable<object> items, int indent)
    {
        var any = false;
        foreach (var item in items)
        {
            if (!any)
            {
                sb.Append('\n');
                any = true;
            }

            sb.Append(' ', indent).Append("- ");
            if (item is YamlMap m)
            {
                WriteMap(sb, m, indent + 2, firstKeyIndented: false);
            }
            else
            {
                AppendScalar(sb, item).Append('\n');
            }
        }

        if (!any)
        {
            throw new InvalidOperationException("empty lists are not rendered");
        }
    }

    private static StringBuilder AppendKey(StringBuilder sb, string key) => key.StartsWith('@') ? AppendQuoted(sb, key) : sb.Append(key);

    private static StringBuilder AppendScalar(StringBuilder sb, object value) => value switch
    {
        string s => AppendQuoted(sb, s),
        int i => sb.Append(i.ToString(CultureInfo.InvariantCulture)),
        bool b => sb.Append(b ? "true" : "false"),
        YamlEnum e => sb.Append(e.Name),
        _ => throw new InvalidOperationException($"unsupported YAML scalar {value.GetType().Name}"),
    };

    private static StringBuilder AppendQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c is '\u0085' or '\u2028' or '\u2029' or '\ufeff')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"');
    }
}
