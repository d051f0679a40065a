using System.Text;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The bytes a <see cref="DataSource"/> points at, or why they cannot be had.</summary>
/// <param name="Bytes">The content, when found.</param>
/// <param name="Reason">A <see cref="DataSourceReasons"/> constant when not found.</param>
/// <param name="Message">A sentence naming the entry and what to do, when not found.</param>
public sealed record DataSourceResult(byte[]? Bytes, string? Reason, string? Message);

/// <summary>Reasons a data source cannot be read.</summary>
public static class DataSourceReasons
{
    public const string CrossNamespaceReference = "CrossNamespaceReference";
    public const string SourceNotFound = "SourceNotFound";
    public const string InvalidSource = "InvalidSource";
    public const string SourceTooLarge = "SourceTooLarge";
}

/// <summary>Resolves a <see cref="DataSource"/>: inline text, a Secret key (<c>data</c> or <c>stringData</c>) or a ConfigMap key
/// (<c>data</c> or <c>binaryData</c>), always in the resource's own namespace.</summary>
public static class DataSourceReader
{
    /// <param name="entry">Spec location for messages, e.g. <c>spec.sources[0]</c>.</param>
    /// <param name="namespace">The namespace of the resource holding the reference; the only one it may read.</param>
    public static DataSourceResult Read(DataSource source, string entry, string @namespace, IResourceLookup lookup)
    {
        var result = ReadUnbounded(source, entry, @namespace, lookup);
        return result.Bytes is { Length: > InputLimits.MaxSourceBytes } bytes
            ? Fail(DataSourceReasons.SourceTooLarge, $"{entry} holds {bytes.Length} bytes, more than the limit of {InputLimits.MaxSourceBytes} bytes (1 MiB) per source; split it across sources.")
            : result;
    }

    private static DataSourceResult ReadUnbounded(DataSource source, string entry, string @namespace, IResourceLookup lookup)
    {
        if (source is null)
        {
            return Fail(DataSourceReasons.InvalidSource, $"{entry} is empty; give inline, secret or configMap.");
        }

        var given = (source.Inline is not null ? 1 : 0) + (source.Secret is not null ? 1 : 0) + (source.ConfigMap is not null ? 1 : 0);
        if (given != 1)
        {
            return Fail(DataSourceReasons.InvalidSource, $"{entry} must set exactly one of inline, secret or configMap (it sets {given}).");
        }

        if (source.Inline is { Length: > InputLimits.MaxInlineChars } tooLong)
        {
            return Fail(DataSourceReasons.SourceTooLarge, $"{entry}.inline holds {tooLong.Length} characters, more than the limit of {InputLimits.MaxInlineChars} (256 KiB); " +
                "split it across sources or put it in a Secret or ConfigMap.");
        }

        if (source.Inline is { } inline)
        {
            return new DataSourceResult(Encoding.UTF8.GetBytes(inline), null, null);
        }

        var (kind, reference) = source.Secret is { } s ? ("Secret", s) : ("ConfigMap", source.ConfigMap!);
        if (!string.IsNullOrEmpty(reference.Namespace) && reference.Namespace != @namespace)
        {
            return Fail(DataSourceReasons.CrossNamespaceReference,
                $"{entry} refers to {kind} {reference.Namespace}/{reference.Name}, outside this resource's namespace {@namespace}; " +
                $"references never cross namespaces. Copy the {kind} into {@namespace} and drop the namespace field.");
        }

        var (found, keys) = kind == "Secret" ? SecretKey(lookup, @namespace, reference) : ConfigMapKey(lookup, @namespace, reference);
        if (found is not null)
        {
            return new DataSourceResult(found, null, null);
        }

        return keys is null
            ? Fail(DataSourceReasons.SourceNotFound, $"{entry} refers to {kind} {@namespace}/{reference.Name}, which does not exist; create it or fix the name.")
            : Fail(DataSourceReasons.SourceNotFound,
                $"{entry} refers to key {reference.Key} of {kind} {@namespace}/{reference.Name}, which has no such key " +
                $"(it has: {(keys.Count == 0 ? "no keys" : string.Join(", ", keys))}); fix the key name.");
    }

    private static (byte[]? Bytes, IReadOnlyList<string>? Keys) SecretKey(IResourceLookup lookup, string ns, KeyReference reference)
    {
        var secret = lookup.FindSecret(ns, reference.Name);
        if (secret is null)
        {
            return (null, null);
        }

        // The API server merges stringData over data; manifests read offline may still carry stringData.
        if (secret.StringData is { } text && text.TryGetValue(reference.Key, out var s))
        {
            return (Encoding.UTF8.GetBytes(s), null);
        }

        if (secret.Data is { } data && data.TryGetValue(reference.Key, out var b))
        {
            return (b, null);
        }

        return (null, KeysOf(secret.Data?.Keys, secret.StringData?.Keys));
    }

    private static (byte[]? Bytes, IReadOnlyList<string>? Keys) ConfigMapKey(IResourceLookup lookup, string ns, KeyReference reference)
    {
        var configMap = lookup.FindConfigMap(ns, reference.Name);
        if (configMap is null)
        {
            return (null, null);
        }

        if (configMap.Data is { } data && data.TryGetValue(reference.Key, out var s))
        {
            return (Encoding.UTF8.GetBytes(s), null);
        }

        if (configMap.BinaryData is { } binary && binary.TryGetValue(reference.Key, out var b))
        {
            return (b, null);
        }

        return (null, KeysOf(configMap.Data?.Keys, configMap.BinaryData?.Keys));
    }

    private static List<string> KeysOf(IEnumerable<string>? first, IEnumerable<string>? second) =>
        [.. (first ?? []).Concat(second ?? []).Distinct().Order(StringComparer.Ordinal)];

    private static DataSourceResult Fail(string reason, string message) => new(null, reason, message);
}
