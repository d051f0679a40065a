using System.Text.Json;
using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>What the benchmark reads from the test API server's store directly (no HTTP, not journaled), cheaply enough to poll.</summary>
internal static class ClusterProbe
{
    public const string OwnerKindLabel = "mtls-operator.io/owner-kind";

    /// <summary>
    /// A count of the listeners whose Ready condition is True, kept by the store as their statuses are written. Scanning for it
    /// instead, ten times a second, held the store's lock — which every request the operator sends waits for — for 45 ms a scan
    /// at 30,000 listeners, 30 % of a cold start.
    /// </summary>
    public static StoreTally ReadyListeners(TestKubeApiServer server) =>
        server.Store.Tally(MtlsOperatorResources.MtlsListeners, IsReady);

    public static bool IsListenerOutput(JsonObject secret) =>
        secret["metadata"]?["labels"]?[OwnerKindLabel]?.GetValue<string>() == "MtlsListener";

    private static bool IsReady(JsonElement listener) =>
        listener.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
        && status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array
        && conditions.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.Object && Is(c, "type", "Ready") && Is(c, "status", "True"));

    private static bool Is(JsonElement o, string property, string value) =>
        o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.ValueEquals(value);
}
