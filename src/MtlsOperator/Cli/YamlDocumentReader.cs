using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MtlsOperator.Cli;

/// <summary>Reads YAML documents into JSON from the parser's event stream with explicit bounds (README "Limits"): nesting depth,
/// nodes after alias expansion (a few hundred bytes of "billion laughs" would otherwise expand to gigabytes), no recursive
/// aliases, no duplicate or non-scalar keys. Every violation is a <see cref="YamlException"/> naming the limit and the line.</summary>
internal sealed class YamlDocumentReader
{
    /// <summary>Deepest nesting of mappings and sequences; manifests need about ten.</summary>
    public const int MaxDepth = 100;

    /// <summary>Most nodes one file may produce, aliases counted as the nodes they expand to.</summary>
    public const int MaxNodes = 200_000;

    private const string StringTag = "tag:yaml.org,2002:str";

    private readonly IParser _parser;
    private readonly Dictionary<string, (JsonNode? Node, int Size)> _anchors = [];
    private readonly HashSet<string> _open = [];
    private int _nodes;

    private YamlDocumentReader(string text) => _parser = new Parser(new StringReader(text));

    /// <summary>Every non-empty document of <paramref name="text"/>, as JSON.</summary>
    /// <exception cref="YamlException">Malformed YAML, or a limit above is exceeded.</exception>
    public static IReadOnlyList<JsonNode> Read(string text) => [.. ReadWithEnds(text).Select(d => d.Json).OfType<JsonNode>()];

    /// <summary>Every document of <paramref name="text"/> (null for an empty one) with the index where its text ends.</summary>
    /// <exception cref="YamlException">Malformed YAML, or a limit above is exceeded.</exception>
    public static IReadOnlyList<(JsonNode? Json, int End)> ReadWithEnds(string text)
    {
        try
        {
            return new YamlDocumentReader(text).ReadAll();
        }
        catch (Exception e) when (e is not YamlException and not OutOfMemoryException)
        {
            // YamlDotNet's scanner throws other exceptions on some malformed text (found by the property tests); it is still malformed YAML.
            throw new YamlException($"the YAML cannot be parsed ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private List<(JsonNode? Json, int End)> ReadAll()
    {
        var documents = new List<(JsonNode?, int)>();
        _parser.Consume<StreamStart>();
        while (_parser.TryConsume<DocumentStart>(out _))
        {
            _anchors.Clear();
            var root = ReadNode(depth: 0);
            var end = _parser.Consume<DocumentEnd>();
            documents.Add((root, (int)end.Start.Index));
        }

        _parser.Consume<StreamEnd>();
        return documents;
    }

    private JsonNode? ReadNode(int depth)
    {
        var start = _parser.Current ?? throw new YamlException("unexpected end of the YAML stream");
        Count(1, start);
        switch (start)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                return Expand(alias);
            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, ScalarToJson(scalar), 1);
            case SequenceStart sequence:
                return ReadSequence(sequence, depth + 1);
            case MappingStart mapping:
                return ReadMapping(mapping, depth + 1);
            default:
                throw new YamlException(start.Start, start.End, $"unexpected {start.GetType().Name} in the YAML stream");
        }
    }

    private JsonArray ReadSequence(SequenceStart start, int depth)
    {
        CheckDepth(depth, start);
        var before = _nodes - 1;
        Open(start.Anchor);
        _parser.MoveNext();
        var array = new JsonArray();
        while (!_parser.TryConsume<SequenceEnd>(out _))
        {
            array.Add(ReadNode(depth));
        }

        return (JsonArray)Remember(start.Anchor, array, _nodes - before)!;
    }

    private JsonObject ReadMapping(MappingStart start, int depth)
    {
        CheckDepth(depth, start);
        var before = _nodes - 1;
        Open(start.Anchor);
        _parser.MoveNext();
        var map = new JsonObject();
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            if (_parser.Current is not Scalar key)
            {
                var at = _parser.Current!;
                throw new YamlException(at.Start, at.End, "a mapping key must be a plain value (a string), not a mapping, sequence or alias");
            }

            _parser.MoveNext();
            Count(1, key);
            if (map.ContainsKey(key.Value))
            {
                throw new YamlException(key.Start, key.End, $"duplicate key \"{Shorten(key.Value)}\" in one mapping; YAML forbids it (kubectl refuses it too). Keep one.");
            }

            map[key.Value] = ReadNode(depth);
        }

        return (JsonObject)Remember(start.Anchor, map, _nodes - before)!;
    }

    private JsonNode? Expand(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (_open.Contains(name))
        {
            throw new YamlException(alias.Start, alias.End, $"alias *{Shorten(name)} refers to a node that contains it (a recursive alias); JSON cannot hold it");
        }

        if (!_anchors.TryGetValue(name, out var anchored))
        {
            throw new YamlException(alias.Start, alias.End, $"alias *{Shorten(name)} has no anchor &{Shorten(name)} before it");
        }

        // The alias itself was counted as one node already.
        Count(anchored.Size - 1, alias);
        return anchored.Node?.DeepClone();
    }

    private void Open(AnchorName anchor)
    {
        if (!anchor.IsEmpty)
        {
            _open.Add(anchor.Value);
        }
    }

    private JsonNode? Remember(AnchorName anchor, JsonNode? node, int size)
    {
        if (!anchor.IsEmpty)
        {
            _open.Remove(anchor.Value);
            _anchors[anchor.Value] = (node, size);
        }

        return node;
    }

    private void Count(int nodes, ParsingEvent at)
    {
        _nodes += nodes;
        if (_nodes > MaxNodes)
        {
            throw new YamlException(at.Start, at.End, $"the file expands to more than {MaxNodes} YAML nodes (aliases counted as what they expand to), the limit per manifest file");
        }
    }

    private static void CheckDepth(int depth, ParsingEvent at)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(at.Start, at.End, $"mappings and sequences are nested more than {MaxDepth} levels deep, the limit per manifest");
        }
    }

    private static JsonNode? ScalarToJson(Scalar scalar) =>
        !scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag ? JsonValue.Create(scalar.Value) : ManifestYaml.ScalarToJson(scalar.Value, scalar.Style);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
