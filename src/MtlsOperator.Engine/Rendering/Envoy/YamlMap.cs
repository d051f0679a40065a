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
        WriteMap(sb, this, 0);
        return sb.ToString();
    }

    private static void WriteMap(StringBuilder sb, YamlMap map, int indent)
    {
        if (map._entries.Count == 0)
        {
            throw new InvalidOperationException("empty mappings are not rendered");
        }

        foreach (var (key, value) in map._entries)
        {
            sb.Append(' ', indent).Append(Key(key)).Append(':');
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
                WriteMap(sb, m, indent + 2);
                break;
            case IEnumerable<object> list:
                WriteList(sb, list.ToList(), indent);
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteList(StringBuilder sb, List<object> items, int indent)
    {
        if (items.Count == 0)
        {
            throw new InvalidOperationException("empty lists are not rendered");
        }

        sb.Append('\n');
        foreach (var item in items)
        {
            sb.Append(' ', indent).Append("- ");
            if (item is YamlMap m)
            {
                // The first key sits after "- "; the rest align with it.
                var inner = new StringBuilder();
                WriteMap(inner, m, indent + 2);
                sb.Append(inner.ToString(indent + 2, inner.Length - indent - 2));
            }
            else
            {
                sb.Append(Scalar(item)).Append('\n');
            }
        }
    }

    private static string Key(string key) => key.StartsWith('@') ? Quote(key) : key;

    private static string Scalar(object value) => value switch
    {
        string s => Quote(s),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        YamlEnum e => e.Name,
        _ => throw new InvalidOperationException($"unsupported YAML scalar {value.GetType().Name}"),
    };

    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
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

        return sb.Append('"').ToString();
    }
}
