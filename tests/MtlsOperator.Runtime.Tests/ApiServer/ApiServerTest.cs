using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using TestApiServer;

namespace MtlsOperator.Runtime.Tests.ApiServer;

/// <summary>A fresh server and a real KubernetesClient per test, plus terse custom-object calls over TrustBundles.</summary>
public abstract class ApiServerTest : IAsyncLifetime
{
    protected const string Ns = "team-a";

    protected static readonly ApiResource Bundles = MtlsOperatorResources.TrustBundles;

    protected TestKubeApiServer Server { get; private set; } = null!;

    protected Kubernetes Client { get; private set; } = null!;

    protected static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    public virtual async Task InitializeAsync()
    {
        Server = await TestKubeApiServer.StartWithMtlsOperatorResourcesAsync();
        Client = Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }

    protected static JsonObject Bundle(string name, string pem = "pem-1", IReadOnlyDictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject(labels.Select(label => KeyValuePair.Create(label.Key, (JsonNode?)label.Value)));
        }

        return new JsonObject
        {
            ["apiVersion"] = "mtls-operator.io/v1alpha1",
            ["kind"] = "TrustBundle",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["inline"] = pem }) },
        };
    }

    protected async Task<JsonObject> CreateBundleAsync(JsonObject body) =>
        Json(await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, Bundles.Group, Bundles.Version, Ns, Bundles.Plural));

    protected async Task<JsonObject> GetBundleAsync(string name) =>
        Json(await Client.CustomObjects.GetNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, name));

    protected async Task<JsonObject> ReplaceBundleAsync(JsonObject body) =>
        Json(await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(body, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, Name(body)));

    protected async Task<JsonObject> ReplaceBundleStatusAsync(JsonObject body) =>
        Json(await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(body, Bundles.Group, Bundles.Version, Ns, Bundles.Plural, Name(body)));

    protected async Task<JsonObject> MergePatchBundleAsync(string name, string patch) =>
        Json(await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new k8s.Models.V1Patch(patch, k8s.Models.V1Patch.PatchType.MergePatch), Bundles.Group, Bundles.Version, Ns, Bundles.Plural, name));

    protected async Task<JsonObject> DeleteBundleAsync(string name) =>
        Json(await Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Bundles.Group, Bundles.Version, Ns, Bundles.Plural, name));

    protected IAsyncEnumerable<(WatchEventType Type, object Object)> WatchBundles(string? resourceVersion = null, bool bookmarks = false, string? labelSelector = null, int? timeoutSeconds = null, Action<Exception>? onError = null, CancellationToken cancellationToken = default) =>
        Client.CustomObjects.WatchListNamespacedCustomObjectAsync(
            Bundles.Group, Bundles.Version, Ns, Bundles.Plural,
            allowWatchBookmarks: bookmarks, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
            onError: onError, cancellationToken: cancellationToken);

    protected static async Task<List<(WatchEventType Type, JsonObject Object)>> TakeAsync(IAsyncEnumerable<(WatchEventType Type, object Object)> stream, int count, Func<WatchEventType, bool>? keep = null)
    {
        var events = new List<(WatchEventType, JsonObject)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var (type, item) in stream.WithCancellation(deadline.Token))
        {
            if (keep is null || keep(type))
            {
                events.Add((type, Json(item)));
            }

            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    protected static async Task<int> StatusCodeOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(call);
        return (int)error.Response.StatusCode;
    }

    protected static JsonObject Json(object result) => result switch
    {
        JsonElement element => JsonNode.Parse(element.GetRawText())!.AsObject(),
        JsonObject node => node,
        _ => JsonNode.Parse(KubernetesJson.Serialize(result))!.AsObject(),
    };

    protected static string Name(JsonObject item) => (string)item["metadata"]!["name"]!;

    protected static string Version(JsonObject item) => (string)item["metadata"]!["resourceVersion"]!;

    protected static long Generation(JsonObject item) => (long)item["metadata"]!["generation"]!;
}
