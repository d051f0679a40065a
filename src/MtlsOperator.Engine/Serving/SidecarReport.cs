using System.Text.Json;
using System.Text.Json.Serialization;

namespace MtlsOperator.Engine.Serving;

/// <summary>What a sidecar serves, as its <c>GET /status</c> returns it; the operator reads the same type.</summary>
/// <param name="Proxy">The proxy flavour: <c>haproxy</c>, <c>nginx</c> or <c>envoy</c>.</param>
/// <param name="State">Whether a configuration is loaded and served.</param>
/// <param name="ServedContentHash">The <see cref="OutputContentHash"/> of the files the running proxy loaded, or null before the first.</param>
/// <param name="RejectedContentHash">The hash of the newest mounted version the proxy's own check refused, while it is still mounted; null otherwise.</param>
/// <param name="RejectedError">The proxy's own error for <paramref name="RejectedContentHash"/> (no key material: the checker prints paths and line numbers).</param>
/// <param name="Reloads">Successful reloads since the sidecar started (the first load does not count).</param>
/// <param name="LastReloadTime">When the last successful reload (or the first load) finished.</param>
/// <param name="ServedCertificateNotAfter">The earliest notAfter of the server certificates the proxy serves.</param>
public sealed record SidecarReport(
    [property: JsonPropertyName("proxy")] string Proxy,
    [property: JsonPropertyName("state")] SidecarState State,
    [property: JsonPropertyName("servedContentHash")] string? ServedContentHash,
    [property: JsonPropertyName("rejectedContentHash")] string? RejectedContentHash,
    [property: JsonPropertyName("rejectedError")] string? RejectedError,
    [property: JsonPropertyName("reloads")] long Reloads,
    [property: JsonPropertyName("lastReloadTime")] DateTimeOffset? LastReloadTime,
    [property: JsonPropertyName("servedCertificateNotAfter")] DateTimeOffset? ServedCertificateNotAfter)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // The proxy's error text stays readable ('+', quotes); the body is served as application/json, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON body of <c>GET /status</c> (times in UTC, RFC 3339).</summary>
    public string ToJson() => JsonSerializer.Serialize(this with
    {
        LastReloadTime = LastReloadTime?.ToUniversalTime(),
        ServedCertificateNotAfter = ServedCertificateNotAfter?.ToUniversalTime(),
    }, Options);

    /// <summary>Reads a <c>GET /status</c> body; null when it is not a sidecar report.</summary>
    public static SidecarReport? Parse(string json)
    {
        try
        {
            var report = JsonSerializer.Deserialize<SidecarReport>(json, Options);
            return report is { Proxy: not null } ? report : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
