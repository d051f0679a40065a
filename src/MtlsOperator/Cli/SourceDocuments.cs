using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace MtlsOperator.Cli;

/// <summary>One document of a multi-document YAML text: its source text (to echo unchanged) and its JSON.</summary>
internal sealed record SourceDocument(string Text, JsonNode Json);

/// <summary>Splits YAML into documents keeping each one's own text, so commands that rewrite some documents leave
/// the others as written, comments included.</summary>
internal static class SourceDocuments
{
    /// <summary>Every non-empty document; throws <see cref="YamlException"/> on malformed YAML.</summary>
    public static IReadOnlyList<SourceDocument> Read(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));

        // The representation model keeps no end positions of mappings; the parser's document events do. A document's
        // text runs from where the previous one ended to where it ends (leading comments travel with it).
        var ends = new List<int>();
        var parser = new Parser(new StringReader(text));
        while (parser.MoveNext())
        {
            if (parser.Current is DocumentEnd end)
            {
                ends.Add((int)end.Start.Index);
            }
        }

        var documents = new List<SourceDocument>();
        for (var i = 0; i < stream.Documents.Count && i < ends.Count; i++)
        {
            if (ManifestYaml.FromYaml(stream.Documents[i].RootNode) is { } json)
            {
                documents.Add(new SourceDocument(WithoutMarker(text[(i == 0 ? 0 : ends[i - 1])..ends[i]]), json));
            }
        }

        return documents;
    }

    /// <summary>The text without its leading <c>---</c> marker (the writer puts one before every document).</summary>
    private static string WithoutMarker(string chunk)
    {
        var lines = chunk.TrimEnd().Split('\n').ToList();
        var marker = lines.FindIndex(l => l.TrimEnd() == "---");
        if (marker >= 0 && lines.Take(marker).All(l => l.TrimStart().StartsWith('#') || l.Trim().Length == 0))
        {
            lines.RemoveAt(marker);
        }

        return string.Join('\n', lines).Trim('\n') + "\n";
    }
}
