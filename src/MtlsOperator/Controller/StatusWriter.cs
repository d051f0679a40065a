using System.Buffers;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MtlsOperator.Controller.Converged;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Runtime.Wire;

namespace MtlsOperator.Controller;

/// <summary>Writes a resource's status through the <c>/status</c> subresource, only when it changed, with optimistic concurrency.</summary>
internal sealed class StatusWriter(IKubernetes client)
{
    private readonly ApiConnection _api = new(client);

    /// <summary>Replaces the status when it differs from the cached one; null when it was already current (no write), else the
    /// resource's version as stored (or found current on the server: <see cref="StoredVersion.Written"/> false).</summary>
    public async Task<StoredVersion?> UpdateAsync(IKubernetesObject<V1ObjectMeta> resource, object status, CancellationToken cancellationToken)
    {
        // Most reconciles find the status current: the same bytes from the same serializer are the same status (the comparison
        // below, which ignores property order, is for the rest). Each side is serialized once, as UTF-8, for both and the body.
        var desired = JsonSerializer.SerializeToUtf8Bytes(status, status.GetType(), WireJson.Options);
        var live = resource is IOperatorResource typed
            ? (typed.StatusValue is { } value ? JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), WireJson.Options) : null)
            : JsonNode.Parse(KubernetesJson.Serialize(resource))?["status"] is { } node ? JsonSerializer.SerializeToUtf8Bytes(node, WireJson.Options) : null;
        if (live is not null && (live.AsSpan().SequenceEqual(desired) || JsonNode.DeepEquals(JsonNode.Parse(live), JsonNode.Parse(desired))))
        {
            return null;
        }

        var key = ResourceKey.Of(resource);
        try
        {
            // The /status endpoint takes the status alone from the body and keeps everything else of the stored object (the
            // CRD status strategy copies the old object over the new one), so the body carries only what names the object and
            // the preconditions: the cached resourceVersion (a stale cache gets 409 and the reconcile is retried on fresh data)
            // and the uid (not a namesake created since). The status goes in as the bytes already serialized for the comparison,
            // and only the metadata of the answer is read: the version the next read of the resource carries.
            var stored = await _api.WriteAsync(HttpMethod.Put, PathOf(key.Kind).Item(key.Namespace, key.Name, "status"), Body(resource, desired), cancellationToken).ConfigureAwait(false);
            return new StoredVersion(key, stored.Uid, stored.ResourceVersion);
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
                && JsonNode.DeepEquals(WithoutTransitionTimes(fresh?["status"]), WithoutTransitionTimes(JsonNode.Parse(desired))))
            {
                return new StoredVersion(key, (string?)fresh?["metadata"]?["uid"], (string?)fresh?["metadata"]?["resourceVersion"], Written: false);
            }

            throw;
        }
    }

    private static ReadOnlyMemory<byte> Body(IKubernetesObject<V1ObjectMeta> resource, byte[] statusJson)
    {
        var buffer = new ArrayBufferWriter<byte>(statusJson.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion"u8, resource.ApiVersion);
            writer.WriteString("kind"u8, resource.Kind);
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("name"u8, resource.Metadata.Name);
            writer.WriteString("namespace"u8, resource.Metadata.NamespaceProperty);
            writer.WriteString("uid"u8, resource.Metadata.Uid);
            writer.WriteString("resourceVersion"u8, resource.Metadata.ResourceVersion);
            writer.WriteEndObject();
            writer.WritePropertyName("status"u8);
            writer.WriteRawValue(statusJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
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

    private static ApiPath PathOf(string kind) => new(TrustBundle.Group, TrustBundle.Version, PluralOf(kind));

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
