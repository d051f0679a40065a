using System.Globalization;

namespace TestApiServer;

/// <summary>The query of a watch: where to start, what to filter, whether to send bookmarks, when to stop.</summary>
/// <param name="FromRevision">Null for resourceVersion "" or "0" (current state as synthetic ADDED events first); otherwise events after it.</param>
internal sealed record WatchRequest(long? FromRevision, LabelSelector Labels, FieldSelector Fields, bool Bookmarks, TimeSpan? Timeout)
{
    public static WatchRequest From(QueryValues query) => new(
        ParseRevision(query.Text("resourceVersion")),
        LabelSelector.Parse(query.Text("labelSelector")),
        FieldSelector.Parse(query.Text("fieldSelector")),
        query.Flag("allowWatchBookmarks"),
        query.Integer("timeoutSeconds") is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : null);

    private static long? ParseRevision(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "0")
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw ApiStatusException.BadRequest($"invalid resource version: {text}");
    }
}
