using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki.Keys;

namespace MtlsOperator.Engine.Pinning;

/// <summary>The key pins a ServerCertificate publishes for clients that pin the server (devices, agents): the key in use and the
/// key generated ahead for the next certificate, in status and in a ConfigMap a client configuration can mount.</summary>
public static class ServerPins
{
    /// <summary>Every pin with its role, algorithm, base64 and hex SPKI SHA-256, as JSON.</summary>
    public const string JsonData = "pins.json";

    /// <summary>One base64 SPKI SHA-256 per line, current first.</summary>
    public const string LinesData = "spki-sha256.txt";

    /// <summary>curl's <c>--pinnedpubkey</c> value: <c>sha256//A;sha256//B</c>.</summary>
    public const string CurlData = "pinnedpubkey.txt";

    /// <summary>Algorithm of a brought key outside the generated vocabulary.</summary>
    public const string OtherAlgorithm = "Other";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Name of the ConfigMap holding the pins of <paramref name="certificate"/>.</summary>
    public static string ConfigMapName(ServerCertificate certificate) => certificate.Metadata.Name + ResourceReferences.PinsConfigMapSuffix;

    /// <summary>The pin of a key by its DER SubjectPublicKeyInfo.</summary>
    public static ServerKeyPin Pin(string role, ReadOnlySpan<byte> subjectPublicKeyInfo, string? algorithm)
    {
        var digest = SHA256.HashData(subjectPublicKeyInfo);
        return new ServerKeyPin
        {
            Role = role,
            KeyAlgorithm = algorithm ?? OtherAlgorithm,
            SpkiSha256 = Convert.ToBase64String(digest),
            SpkiSha256Hex = Convert.ToHexStringLower(digest),
        };
    }

    /// <summary>The pin of a generated key.</summary>
    public static ServerKeyPin Pin(string role, PrivateKey key) => Pin(role, key.SubjectPublicKeyInfo.Span, key.Algorithm);

    /// <summary>The ConfigMap publishing <paramref name="pins"/>, owned by <paramref name="owner"/>; its content depends on the pins
    /// (and the owner's generation, as every output's annotation does), so it is not rewritten while the keys stay.</summary>
    public static V1ConfigMap ConfigMap(ServerCertificate owner, string ns, IReadOnlyList<ServerKeyPin> pins)
    {
        var entries = pins.Select(p => new Dictionary<string, string>
        {
            ["role"] = p.Role,
            ["keyAlgorithm"] = p.KeyAlgorithm,
            ["spkiSha256"] = p.SpkiSha256,
            ["spkiSha256Hex"] = p.SpkiSha256Hex,
        });
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = V1ConfigMap.KubeKind,
            Metadata = OutputOwnership.MetadataFor(ConfigMapName(owner), owner),
            Data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [JsonData] = JsonSerializer.Serialize(entries, s_json) + "\n",
                [LinesData] = string.Concat(pins.Select(p => p.SpkiSha256 + "\n")),
                [CurlData] = string.Join(";", pins.Select(p => "sha256//" + p.SpkiSha256)) + "\n",
            },
        };
        map.Metadata.NamespaceProperty = ns;
        return map;
    }
}
