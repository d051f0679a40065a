using System.Text.Json.Nodes;
using TestApiServer;

namespace MtlsOperator.Bench;

/// <summary>What the benchmark reads from the test API server's store directly (no HTTP, not journaled), cheaply enough to poll.</summary>
internal static class ClusterProbe
{
    public const string OwnerKindLabel = "mtls-operator.io/owner-kind";

    /// <summary>Listeners whose Ready condition is True.</summary>
    public static int ReadyListeners(TestKubeApiServer server) =>
        server.Store.Count(MtlsOperatorResources.MtlsListeners, null, IsReady);

    /// <summary>Output Secrets of listeners (owner-kind label) in one namespace or all.</summary>
    public static int ListenerOutputs(TestKubeApiServer server, string? @namespace = null) =>
        server.Store.Count(ApiResource.Secrets, @namespace, IsListenerOutput);

    public static bool IsListenerOutput(JsonObject secret) =>
        secret["metadata"]?["labels"]?[OwnerKindLabel]?.GetValue<string>() == "MtlsListener";

    private static bool IsReady(JsonObject listener) =>
        listener["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True");
}
