using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Admission;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Webhook;

/// <summary>
/// Run by the leader only: keeps the webhook's serving Secret and the MutatingWebhookConfiguration's caBundle at what
/// <see cref="WebhookCertificates"/> plans. Reads every check period; writes only when the plan differs from the cluster.
/// </summary>
internal sealed partial class WebhookCertificateRotator(IKubernetes client, WebhookOptions options, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ConvergeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Conflicts and outages are retried at the next check; the current certificate stays served meanwhile.
                LogCheckFailed(logger, e, options.RotationCheckPeriod);
            }

            try
            {
                await Task.Delay(options.RotationCheckPeriod, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One check: plan from what the cluster holds, then write what differs (Secret first, then caBundle).</summary>
    public async Task ConvergeAsync(CancellationToken cancellationToken)
    {
        var secret = await ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(options.SecretName, options.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (secret is not null && !IsOwned(secret))
        {
            LogSecretNotManaged(logger, options.Namespace, options.SecretName);
            return;
        }

        var configuration = await ReadAsync(() => client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(options.ConfigurationName, cancellationToken: cancellationToken)).ConfigureAwait(false);

        // Without a configuration nobody verifies yet: what the Secret trusts stands in for the installed caBundle.
        var installed = configuration is null
            ? Text(secret?.Data, WebhookCertificates.CaCertificateKey)
            : string.Concat((configuration.Webhooks ?? []).Select(w => w.ClientConfig?.CaBundle is { } b ? Encoding.ASCII.GetString(b) : ""));
        var plan = WebhookCertificates.Plan(secret?.Data?.ToDictionary(), installed, [.. options.DnsNames], time.GetUtcNow(), Fresh(), options.Lifetimes);

        if (secret is null)
        {
            await client.CoreV1.CreateNamespacedSecretAsync(Desired(plan, null), options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogSecretCreated(logger, options.Namespace, options.SecretName);
        }
        else if (!SameData(secret.Data, plan.SecretData))
        {
            await client.CoreV1.ReplaceNamespacedSecretAsync(Desired(plan, secret), options.SecretName, options.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogCertificateRotated(logger, options.Namespace, options.SecretName);
        }

        if (configuration is null)
        {
            LogConfigurationNotFound(logger, options.ConfigurationName);
            return;
        }

        var bundle = Encoding.ASCII.GetBytes(plan.CaBundlePem);
        var operations = new JsonArray();
        for (var i = 0; i < (configuration.Webhooks?.Count ?? 0); i++)
        {
            if (configuration.Webhooks![i].ClientConfig?.CaBundle is not { } current || !current.AsSpan().SequenceEqual(bundle))
            {
                // The resourceVersion test makes a concurrent edit a conflict instead of a lost update.
                operations.Add(new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = Convert.ToBase64String(bundle) });
            }
        }

        if (operations.Count > 0)
        {
            operations.Insert(0, new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = configuration.Metadata.ResourceVersion });
            await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(
                new V1Patch(operations.ToJsonString(), V1Patch.PatchType.JsonPatch), options.ConfigurationName, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogCaBundleSet(logger, options.ConfigurationName);
        }
    }

    private V1Secret Desired(WebhookCertificatePlan plan, V1Secret? current) => new()
    {
        ApiVersion = "v1",
        Kind = V1Secret.KubeKind,
        Metadata = new V1ObjectMeta
        {
            Name = options.SecretName,
            NamespaceProperty = options.Namespace,
            ResourceVersion = current?.Metadata.ResourceVersion,
            Labels = new Dictionary<string, string>(current?.Metadata.Labels ?? new Dictionary<string, string>())
            {
                [OutputMetadata.ManagedByLabel] = OutputMetadata.ManagedByValue,
            },
            Annotations = current?.Metadata.Annotations,
        },
        Type = "Opaque",
        Data = plan.SecretData.ToDictionary(),
    };

    private static bool IsOwned(V1Secret secret) =>
        secret.Metadata.Labels is { } labels && labels.TryGetValue(OutputMetadata.ManagedByLabel, out var v) && v == OutputMetadata.ManagedByValue;

    private static bool SameData(IDictionary<string, byte[]>? current, ImmutableSortedDictionary<string, byte[]> desired) =>
        current is not null && current.Count == desired.Count && desired.All(kv => current.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));

    private static string? Text(IDictionary<string, byte[]>? data, string key) =>
        data is not null && data.TryGetValue(key, out var bytes) ? Encoding.ASCII.GetString(bytes) : null;

    private static FreshKeys Fresh()
    {
        using var ca = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var serving = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new FreshKeys(ca.ExportPkcs8PrivateKeyPem() + "\n", serving.ExportPkcs8PrivateKeyPem() + "\n", [Serial(), Serial()]);
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private static async Task<T?> ReadAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Reads the serving Secret's data, or null when it does not exist (yet).</summary>
    public static async Task<IDictionary<string, byte[]>?> ReadServingDataAsync(IKubernetes client, WebhookOptions options, CancellationToken cancellationToken) =>
        (await ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(options.SecretName, options.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false))?.Data;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook certificate check failed; retrying in {Period}")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, TimeSpan period);

    [LoggerMessage(Level = LogLevel.Error, Message = "Secret {Namespace}/{Name} exists and is not managed by mtls-operator; the webhook's serving certificate is not written over it")]
    private static partial void LogSecretNotManaged(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the webhook serving Secret {Namespace}/{Name}")]
    private static partial void LogSecretCreated(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated the webhook serving certificate in {Namespace}/{Name}")]
    private static partial void LogCertificateRotated(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MutatingWebhookConfiguration {Name} not found; its caBundle cannot be set")]
    private static partial void LogConfigurationNotFound(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set the caBundle of MutatingWebhookConfiguration {Name}")]
    private static partial void LogCaBundleSet(ILogger logger, string name);
}
