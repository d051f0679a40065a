using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller;

/// <summary>Writes a resource's status through the <c>/status</c> subresource, only when it changed, with optimistic concurrency.</summary>
internal sealed class StatusWriter(IKubernetes client)
{
    /// <summary>Replaces the status when it differs from the cached one; null when it was already current (no write), else the
    /// resource's version as stored (or found current on the server: <see cref="StoredVersion.Written"/> false).</summary>
    public async Task<StoredVersion?> UpdateAsync(IKubernetesObject<V1ObjectMeta> resource, object status, CancellationToken cancellationToken)
    {
        // Most reconciles find the status current: the same text from the same serializer is the same status (the comparison
        // below, which ignores property order, is for the rest). Each side is serialized once for both.
        var desiredText = KubernetesJson.Serialize(status);
        var liveText = resource is IOperatorResource typed
            ? (typed.StatusValue is { } value ? KubernetesJson.Serialize(value) : null)
            : JsonNode.Parse(KubernetesJson.Serialize(resource))?["status"]?.ToJsonString();
        if (liveText == desiredText)
        {
            return null;
        }

        var desired = JsonNode.Parse(desiredText);
        if (liveText is not null && JsonNode.DeepEquals(JsonNode.Parse(liveText), desired))
        {
            return null;
        }

        var key = ResourceKey.Of(resource);
        try
        {
            // The /status endpoint takes the status alone from the body and keeps everything else of the stored object (the
            // CRD status strategy copies the old object over the new one), so the body carries only what names the object and
            // the preconditions: the cached resourceVersion (a stale cache gets 409 and the reconcile is retried on fresh data)
            // and the uid (not a namesake created since). Serializing the whole resource for each write cost more than the status.
            // Only the metadata of the answer is read: the version the next read of the resource carries.
            var body = new JsonObject
            {
                ["apiVersion"] = resource.ApiVersion,
                ["kind"] = resource.Kind,
                ["metadata"] = new JsonObject
                {
                    ["name"] = resource.Metadata.Name,
                    ["namespace"] = resource.Metadata.NamespaceProperty,
                    ["uid"] = resource.Metadata.Uid,
                    ["resourceVersion"] = resource.Metadata.ResourceVersion,
                },
                ["status"] = desired,
            };
            var stored = await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<StoredResource>(
                body, TrustBundle.Group, TrustBundle.Version, key.Namespace, PluralOf(key.Kind), key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new StoredVersion(key, stored?.Metadata?.Uid, stored?.Metadata?.ResourceVersion);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Most often the cache has not yet seen this operator's own previous write: when the server already holds
            // this status for this generation, there is nothing to retry.
            var fresh = JsonNode.Parse(KubernetesJson.Serialize(await client.CustomObjects.GetNamespacedCustomObjectAsync(
                TrustBundle.Group, TrustBundle.Version, key.Namespace, PluralOf(key.Kind), key.Name, cancellationToken).ConfigureAwait(false)));
            // Equal but for the lastTransitionTime of conditions is equal too: evaluated from a cache without that write,
            // the same transition was just timed again.
            if ((long?)fresh?["metadata"]?["generation"] == resource.Metadata.Generation
                && JsonNode.DeepEquals(WithoutTransitionTimes(fresh?["status"]), WithoutTransitionTimes(desired)))
            {
                return new StoredVersion(key, (string?)fresh?["metadata"]?["uid"], (string?)fresh?["metadata"]?["resourceVersion"], Written: false);
            }

            throw;
        }
    }

    /// <summary>What is read of a status write's answer.</summary>
    private sealed class StoredResource
    {
        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public V1ObjectMeta? Metadata { get; set; }
    }

    private static JsonNode? WithoutTransitionTimes(JsonNode? status)
    {
        var copy = status?.DeepClone();
        foreach (var condition in copy?["conditions"] as JsonArray ?? [])
        {
            (condition as JsonObject)?.Remove("lastTransitionTime");
        }

        return copy;
    }

    private static string PluralOf(string kind) => kind switch
    {
        TrustBundle.KindName => TrustBundle.Plural,
        ServerCertificate.KindName => ServerCertificate.Plural,
        ClientAuthPolicy.KindName => ClientAuthPolicy.Plural,
        MtlsListener.KindName => MtlsListener.Plural,
        ClientCertificateAuthority.KindName => ClientCertificateAuthority.Plural,
        IssuedClientCertificate.KindName => IssuedClientCertificate.Plural,
        ClientCertificateRevocation.KindName => ClientCertificateRevocation.Plural,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of this operator"),
    };
}
