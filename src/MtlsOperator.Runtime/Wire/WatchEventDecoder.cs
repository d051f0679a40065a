using System.Text.Json;
using k8s;
using k8s.Models;

namespace MtlsOperator.Runtime.Wire;

/// <summary>Decodes one watch line, <c>{"type": ..., "object": ...}</c>, with one pass over the object straight into
/// the type asked for (or, for an <c>ERROR</c> line, into its Status).</summary>
public static class WatchEventDecoder
{
    /// <summary>The event on the line; a Status line is an <see cref="WatchEventType.Error"/> with its status and no object.</summary>
    /// <exception cref="JsonException">The line is not a watch event (cut mid-event, or not JSON).</exception>
    public static (WatchEventType Type, T? Object, V1Status? Status) Decode<T>(ReadOnlySpan<byte> line)
        where T : class
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A watch line is not a JSON object.");
        }

        WatchEventType? type = null;
        int objectStart = -1, objectEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.TokenType == JsonTokenType.String ? TypeOf(ref reader) : throw new JsonException("A watch event's type is not a string.");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                objectStart = (int)reader.TokenStartIndex;
                reader.Skip();
                objectEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("A watch line holds more than one JSON object.");
        }

        if (type is not { } eventType || objectStart < 0)
        {
            throw new JsonException("A watch line has no type or no object.");
        }

        var value = line[objectStart..objectEnd];
        return eventType == WatchEventType.Error
            ? (eventType, null, JsonSerializer.Deserialize<V1Status>(value, WireJson.Options))
            : (eventType, JsonSerializer.Deserialize<T>(value, WireJson.Options) ?? throw new JsonException("A watch event's object is null."), null);
    }

    private static WatchEventType TypeOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("ADDED"u8) ? WatchEventType.Added
        : reader.ValueTextEquals("MODIFIED"u8) ? WatchEventType.Modified
        : reader.ValueTextEquals("DELETED"u8) ? WatchEventType.Deleted
        : reader.ValueTextEquals("BOOKMARK"u8) ? WatchEventType.Bookmark
        : reader.ValueTextEquals("ERROR"u8) ? WatchEventType.Error
        : throw new JsonException($"Unknown watch event type '{reader.GetString()}'.");
}
