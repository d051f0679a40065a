using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MtlsOperator.Tests.GitOps;

/// <summary>A JSON object as a Lua 5.1 table constructor, the shape Argo CD hands a health script as <c>obj</c>: objects become
/// tables keyed by name, arrays 1-based tables, null an absent key.</summary>
internal static class LuaTable
{
    public static string Of(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case null:
                sb.Append("nil");
                break;
            case JsonObject o:
                sb.Append('{');
                foreach (var (key, value) in o.Where(p => p.Value is not null))
                {
                    sb.Append('[').Append(Quote(key)).Append("]=");
                    Write(value, sb);
                    sb.Append(',');
                }

                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('{');
                foreach (var item in a)
                {
                    Write(item, sb);
                    sb.Append(',');
                }

                sb.Append('}');
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                sb.Append(Quote(v.GetValue<string>()));
                break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                sb.Append(v.GetValue<bool>() ? "true" : "false");
                break;
            case JsonValue v:
                sb.Append(v.ToJsonString()); // a JSON number is a Lua number literal
                break;
        }
    }

    /// <summary>A Lua string literal: every byte outside printable ASCII as a decimal escape, so no text can end the literal.</summary>
    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('\\').Append(b.ToString("000", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }
}
