using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Controller.Converged;

/// <summary>
/// Keeps a term's <see cref="ConvergedReconciles"/> in ConfigMaps of the operator's own namespace, so the next term (a restart, a
/// rollout of the same build, a new leader) answers the reconciles of an unchanged world from them instead of evaluating every
/// resource again.
/// </summary>
/// <remarks>
/// Why another process may trust them: a fingerprint is of uids and resourceVersions the API server keeps, and an entry only claims
/// that this build, with these options, evaluating those exact versions inside its time window, has nothing to write. A different
/// build or option set writes another <see cref="BuildAnnotation"/>, and its entries are not taken. Anything changed since (an input,
/// an output someone edited, a status) has another version, so its fingerprint is not found and the resource is evaluated as before.
/// Losing the ConfigMaps, or a save that failed, costs one evaluation per resource, never a missed change. The data is 32 bytes per
/// resource (fingerprint, the window's start and end), spread over <see cref="Shards"/> ConfigMaps so each stays far below the API
/// server's 1 MiB limit; only a shard whose bytes changed is written, so a term that recalled everything writes nothing.
/// </remarks>
internal sealed partial class ConvergedStore(IKubernetes client, string @namespace, string namePrefix, string build, ILogger logger)
{
    public const int Shards = 16;

    /// <summary>24,000 entries are 768,000 bytes; more in one shard are not kept (their resources are evaluated after a restart).</summary>
    public const int MaxEntriesPerShard = 24_000;

    public const string BuildAnnotation = "mtls-operator.io/converged-build";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string Component = "converged-reconciles";
    public const string DataKey = "reconciles";
    private const int EntrySize = 32;

    private readonly UInt128?[] _saved = new UInt128?[Shards];
    private readonly bool[] _exists = new bool[Shards];

    /// <summary>The name of shard <paramref name="shard"/>.</summary>
    public string NameOf(int shard) => $"{namePrefix}-converged-{shard:x}";

    /// <summary>What makes one build's entries another's: the assemblies that evaluate, render and compare, and the options that reach
    /// an evaluation.</summary>
    public static string BuildOf(OperatorOptions options)
    {
        var text = new StringBuilder();
        foreach (var assembly in new[] { typeof(ConvergedStore).Assembly, typeof(TrustEngine).Assembly, typeof(Runtime.Controller).Assembly, typeof(KubernetesJson).Assembly })
        {
            text.Append(assembly.ManifestModule.ModuleVersionId).Append(';');
        }

        text.Append("signers=").AppendJoin(',', options.SigningRequestSigners.Order(StringComparer.Ordinal)).Append(';')
            .Append("namespaces=").AppendJoin(',', options.Namespaces.Order(StringComparer.Ordinal)).Append(';')
            .Append("crl-fetch=").Append(options.CrlFetch);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>Reads the shards a term of this build saved into <paramref name="into"/>. A shard that cannot be read is skipped.</summary>
    public async Task LoadAsync(ConvergedReconciles into, CancellationToken cancellationToken)
    {
        V1ConfigMapList list;
        try
        {
            list = await client.CoreV1.ListNamespacedConfigMapAsync(@namespace, labelSelector: $"{ComponentLabel}={Component}", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Forbidden, unreachable, timed out, unreadable: the records only save work, so the term goes on without them.
            LogEarlierTermUnreadable(logger, e, @namespace);
            return;
        }

        var entries = new List<Remembered>();
        for (var shard = 0; shard < Shards; shard++)
        {
            var stored = list.Items.FirstOrDefault(c => c.Metadata.Name == NameOf(shard));
            _exists[shard] = stored is not null;
            if (stored?.Metadata.Annotations?.TryGetValue(BuildAnnotation, out var of) == true && of == build
                && stored.BinaryData?.TryGetValue(DataKey, out var data) == true && data.Length % EntrySize == 0)
            {
                _saved[shard] = Hash(data);
                entries.AddRange(Decode(data));
            }
        }

        into.Restore(entries);
        LogEarlierTermTaken(logger, entries.Count);
    }

    /// <summary>Writes every shard whose entries changed since they were loaded or last saved. Failures are logged; the shard is tried
    /// again at the next save. Throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task SaveAsync(ConvergedReconciles from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shards = from.Snapshot(now).GroupBy(e => ShardOf(e.Fingerprint)).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Fingerprint).Take(MaxEntriesPerShard).ToArray());
        var written = 0;
        for (var shard = 0; shard < Shards; shard++)
        {
            var data = Encode(shards.GetValueOrDefault(shard, []));
            var hash = Hash(data);
            if (_saved[shard] == hash || (_saved[shard] is null && !_exists[shard] && data.Length == 0))
            {
                continue;
            }

            try
            {
                await WriteAsync(shard, data, cancellationToken).ConfigureAwait(false);
                _saved[shard] = hash;
                _exists[shard] = true;
                written++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSaveFailed(logger, e, @namespace, NameOf(shard));
            }
        }

        if (written > 0 && logger.IsEnabled(LogLevel.Information))
        {
            // A local, not an argument: CA1873 does not see this guard around a generated log method (dotnet/sdk#50893).
            var saved = shards.Values.Sum(e => e.Length);
            LogSaved(logger, saved, written, Shards);
        }
    }

    private async Task WriteAsync(int shard, byte[] data, CancellationToken cancellationToken)
    {
        var desired = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = V1ConfigMap.KubeKind,
            Metadata = new V1ObjectMeta
            {
                Name = NameOf(shard),
                NamespaceProperty = @namespace,
                Labels = new Dictionary<string, string> { [ComponentLabel] = Component, ["app.kubernetes.io/part-of"] = "mtls-operator" },
                Annotations = new Dictionary<string, string> { [BuildAnnotation] = build },
            },
            BinaryData = new Dictionary<string, byte[]> { [DataKey] = data },
        };

        // Not labelled managed-by: the informers would cache it as an output. Unconditional: the leader alone saves, and whichever term saved last holds facts as true as any other's.
        if (_exists[shard])
        {
            try
            {
                await client.CoreV1.ReplaceNamespacedConfigMapAsync(desired, desired.Metadata.Name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted since: created below.
            }
        }

        try
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(desired, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(desired, desired.Metadata.Name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static int ShardOf(UInt128 fingerprint) => (int)(fingerprint % Shards);

    private static byte[] Encode(IReadOnlyList<Remembered> entries)
    {
        var data = new byte[entries.Count * EntrySize];
        for (var i = 0; i < entries.Count; i++)
        {
            var at = data.AsSpan(i * EntrySize, EntrySize);
            BinaryPrimitives.WriteUInt128LittleEndian(at, entries[i].Fingerprint);
            BinaryPrimitives.WriteInt64LittleEndian(at[16..], entries[i].At.UtcTicks);
            BinaryPrimitives.WriteInt64LittleEndian(at[24..], entries[i].Until.UtcTicks);
        }

        return data;
    }

    /// <summary>The well-formed entries of a shard of whole entries (the caller checks the length); hostile times are skipped.</summary>
    internal static List<Remembered> Decode(byte[] data)
    {
        var entries = new List<Remembered>(data.Length / EntrySize);
        for (var offset = 0; offset < data.Length; offset += EntrySize)
        {
            var at = data.AsSpan(offset, EntrySize);
            var since = BinaryPrimitives.ReadInt64LittleEndian(at[16..]);
            var until = BinaryPrimitives.ReadInt64LittleEndian(at[24..]);
            if (since < 0 || until < since || until > DateTimeOffset.MaxValue.UtcTicks)
            {
                continue;
            }

            entries.Add(new Remembered(BinaryPrimitives.ReadUInt128LittleEndian(at), new DateTimeOffset(since, TimeSpan.Zero), new DateTimeOffset(until, TimeSpan.Zero)));
        }

        return entries;
    }

    private static UInt128 Hash(byte[] data) => BinaryPrimitives.ReadUInt128LittleEndian(SHA256.HashData(data));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the converged reconciles of an earlier term from namespace {Namespace}; every resource is evaluated")]
    private static partial void LogEarlierTermUnreadable(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took {Count} converged reconciles of an earlier term")]
    private static partial void LogEarlierTermTaken(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save converged reconciles to ConfigMap {Namespace}/{Name}; trying again at the next save")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Saved {Count} converged reconciles ({Shards} of {Total} ConfigMaps written)")]
    private static partial void LogSaved(ILogger logger, int count, int shards, int total);
}
