using System.Globalization;

namespace TestApiServer;

/// <summary>Typed reads of the query string.</summary>
internal sealed class QueryValues(Microsoft.AspNetCore.Http.IQueryCollection query)
{
    public string? Text(string name) => query.TryGetValue(name, out var values) ? values.ToString() : null;

    public bool Flag(string name) => Text(name) is { } text && (text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>dryRun=All: decide and answer a write without storing it.</summary>
    public bool DryRun() => Text("dryRun") switch
    {
        null or "" => false,
        "All" => true,
        var other => throw ApiStatusException.BadRequest($"unsupported dryRun value \"{other}\": only \"All\" exists"),
    };

    public int? Integer(string name) =>
        Text(name) is { Length: > 0 } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw ApiStatusException.BadRequest($"invalid {name}: {text}")
            : null;
}
