using System.Text.Json.Nodes;
using YamlDotNet.Core;

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
        // The bounded reader (limits in YamlDocumentReader) gives each document's JSON and where its text ends; a document's
        // text runs from where the previous one ended to where it ends (leading comments travel with it).
        var documents = new List<SourceDocument>();
        var start = 0;
        foreach (var (json, end) in YamlDocumentReader.ReadWithEnds(text))
        {
            if (json is not null)
            {
                documents.Add(new SourceDocument(WithoutMarker(text[start..end]), json));
            }

            start = end;
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
