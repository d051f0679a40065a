using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;

namespace MtlsOperator.Cli;

/// <summary>What a set of manifest files holds: the objects the engine understands, what could not be read, what the API server
/// would refuse although the engine reads it (fields the CRD does not declare) or what is deprecated, and the documents of other
/// kinds that were passed over (<c>FILE: apiVersion kind name</c>).</summary>
internal sealed record ManifestSet(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, IReadOnlyList<string> Skipped);

/// <summary>Reads YAML/JSON manifests (files or directories, like <c>kubectl apply -f</c>) into typed objects.</summary>
internal static class ManifestReader
{
    private static readonly string[] s_extensions = [".yaml", ".yml", ".json"];

    public static ManifestSet Read(IEnumerable<string> paths, string defaultNamespace)
    {
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var errors = new List<string>();
        var warnings = new List<string>();
        var skipped = new List<string>();
        foreach (var file in ExpandPaths(paths, errors))
        {
            var (text, readError) = ManifestFile.Read(file);
            if (text is null)
            {
                errors.Add($"{file}: {readError}");
                continue;
            }

            IReadOnlyList<JsonNode> documents;
            try
            {
                documents = ManifestYaml.ReadDocuments(text);
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                errors.Add($"{file}: line {e.Start.Line}: not readable as YAML: {e.Message.Split('\n')[0]}");
                continue;
            }

            for (var index = 0; index < documents.Count; index++)
            {
                try
                {
                    foreach (var item in Flatten(documents[index]))
                    {
                        if (ToObject(item) is { } o)
                        {
                            warnings.AddRange(UnknownFieldWarnings(file, item, o));
                            warnings.AddRange(DeprecationWarnings(file, o));
                            o.Metadata ??= new V1ObjectMeta();
                            o.Metadata.NamespaceProperty ??= defaultNamespace;
                            objects.Add(o);
                        }
                        else
                        {
                            skipped.Add($"{file}: {Describe((JsonObject)item)}");
                            warnings.AddRange(OtherVersionWarning(file, (JsonObject)item));
                        }
                    }
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException or ArgumentException)
                {
                    errors.Add($"{file}: document {index + 1}: {e.Message.Split('\n')[0]}");
                }
            }
        }

        return new ManifestSet(objects, errors, warnings, skipped);
    }

    private static IEnumerable<string> DeprecationWarnings(string file, IKubernetesObject<V1ObjectMeta> o) =>
        o is MtlsListener listener && ProxyNames.PreferredFor(listener.Spec?.Proxy) is { } preferred
            ? [$"{file}: MtlsListener {o.Metadata?.Name}: spec.proxy \"{listener.Spec!.Proxy}\" is deprecated; write \"{preferred}\" (the lowercase spelling goes in the next API version)"]
            : [];

    /// <summary>A document of our group in a version this build does not read is passed over like any other kind, but said.</summary>
    private static IEnumerable<string> OtherVersionWarning(string file, JsonObject document) =>
        StringField(document, "apiVersion") is { } apiVersion && apiVersion.StartsWith(TrustBundle.Group + "/", StringComparison.Ordinal)
            ? [$"{file}: {Describe(document)}: {apiVersion} is not a version this build reads ({TrustBundle.GroupVersion}); skipped"]
            : [];

    private static string Describe(JsonObject document) =>
        $"{StringField(document, "apiVersion")} {StringField(document, "kind")} {(document["metadata"] as JsonObject)?["name"]}".TrimEnd();

    private static IEnumerable<string> UnknownFieldWarnings(string file, JsonNode document, IKubernetesObject<V1ObjectMeta> o) =>
        o.ApiVersion == TrustBundle.GroupVersion
            ? Crds.UnknownFields.Of(o.Kind, (JsonObject)document).Select(path =>
                $"{file}: {o.Kind} {o.Metadata?.Name}: unknown field \"{path}\" (ignored here; the API server's strict field validation rejects the object)")
            : [];

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, List<string> errors)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var f in Directory.EnumerateFiles(path).Where(f => s_extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                             .Order(StringComparer.Ordinal))
                {
                    yield return f;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                errors.Add($"{path}: no such file or directory");
            }
        }
    }

    private static IEnumerable<JsonNode> Flatten(JsonNode document) =>
        document is JsonObject o && StringField(o, "kind") == "List" && o["items"] is JsonArray items
            ? items.Select(item => item ?? JsonValue.Create("null")!)
            : [document];

    /// <summary>A top-level string field; a number, list or mapping where a string belongs is an error naming the field.</summary>
    private static string? StringField(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new FormatException($"{name} must be a string"),
    };

    private static IKubernetesObject<V1ObjectMeta>? ToObject(JsonNode document)
    {
        if (document is not JsonObject o)
        {
            throw new FormatException("a manifest must be a mapping with apiVersion and kind");
        }

        var apiVersion = StringField(o, "apiVersion") ?? throw new FormatException("apiVersion is missing");
        var kind = StringField(o, "kind") ?? throw new FormatException("kind is missing");
        var json = o.ToJsonString();
        if (apiVersion == TrustBundle.GroupVersion)
        {
            return kind switch
            {
                TrustBundle.KindName => KubernetesJson.Deserialize<TrustBundle>(json),
                ServerCertificate.KindName => KubernetesJson.Deserialize<ServerCertificate>(json),
                ClientAuthPolicy.KindName => KubernetesJson.Deserialize<ClientAuthPolicy>(json),
                MtlsListener.KindName => KubernetesJson.Deserialize<MtlsListener>(json),
                ClientCertificateAuthority.KindName => KubernetesJson.Deserialize<ClientCertificateAuthority>(json),
                IssuedClientCertificate.KindName => KubernetesJson.Deserialize<IssuedClientCertificate>(json),
                ClientCertificateRevocation.KindName => KubernetesJson.Deserialize<ClientCertificateRevocation>(json),
                _ => throw new FormatException($"kind {kind} is not served by {apiVersion} (TrustBundle, ServerCertificate, ClientAuthPolicy, MtlsListener, ClientCertificateAuthority, IssuedClientCertificate, ClientCertificateRevocation)"),
            };
        }

        if (apiVersion != "v1")
        {
            return null;
        }

        return kind switch
        {
            V1Secret.KubeKind => MergeStringData(KubernetesJson.Deserialize<V1Secret>(json)),
            V1ConfigMap.KubeKind => KubernetesJson.Deserialize<V1ConfigMap>(json),
            _ => null,
        };
    }

    /// <summary>The API server folds <c>stringData</c> into <c>data</c> on write; do the same so the engine sees what the cluster would.</summary>
    private static V1Secret MergeStringData(V1Secret secret)
    {
        if (secret.StringData is { Count: > 0 } stringData)
        {
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in stringData)
            {
                secret.Data[key] = Encoding.UTF8.GetBytes(value);
            }

            secret.StringData = null;
        }

        return secret;
    }
}
