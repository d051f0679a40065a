using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli;

/// <summary>The readable view of an output Secret that <c>render</c> prints by default, safe for CI logs: each key's text as the
/// sidecar reads it, every PEM private key replaced by what it is (<c>&lt;redacted: EC private key, 121 bytes&gt;</c>), a value
/// that is not text by its size and SHA-256. The keys sit under <c>files</c>, not <c>data</c>, so a view is not a Secret an API
/// server accepts: it cannot be applied by mistake.</summary>
internal static partial class SecretView
{
    public const string FilesField = "files";

    public static JsonNode Of(V1Secret secret)
    {
        var full = JsonNode.Parse(KubernetesJson.Serialize(secret))!.AsObject();
        var files = new JsonObject();
        foreach (var (key, value) in (secret.Data ?? new Dictionary<string, byte[]>()).OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            files[key] = Readable(value);
        }

        var view = new JsonObject
        {
            ["apiVersion"] = full["apiVersion"]?.DeepClone(),
            ["kind"] = full["kind"]?.DeepClone(),
            ["metadata"] = full["metadata"]?.DeepClone(),
        };
        if (full["type"] is { } type)
        {
            view["type"] = type.DeepClone();
        }

        view[FilesField] = files;
        return view;
    }

    /// <summary>The text of <paramref name="value"/> with private keys redacted, or its size and hash when it is not text.</summary>
    public static string Readable(byte[] value)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return Binary(value);
        }

        return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? Binary(value) : Redact(text);
    }

    /// <summary>Every PEM private key block in <paramref name="text"/> replaced by its kind and size. A block that does not end
    /// is redacted to the end of the text: when in doubt, nothing of a key is printed.</summary>
    public static string Redact(string text)
    {
        var result = new StringBuilder();
        var at = 0;
        while (BeginPattern().Match(text, at) is { Success: true } begin)
        {
            result.Append(text, at, begin.Index - at);
            var label = begin.Groups[1].Value + "PRIVATE KEY";
            var endMarker = $"-----END {label}-----";
            var end = text.IndexOf(endMarker, begin.Index + begin.Length, StringComparison.Ordinal);
            var bodyEnd = end < 0 ? text.Length : end;
            var body = text[(begin.Index + begin.Length)..bodyEnd];
            result.Append(Describe(label, body, complete: end >= 0));
            at = end < 0 ? text.Length : end + endMarker.Length;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    private static string Describe(string label, string body, bool complete)
    {
        byte[]? der = null;
        try
        {
            der = Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
        }

        if (!complete || der is null)
        {
            return "<redacted: malformed private key>";
        }

        var kind = label switch
        {
            "EC PRIVATE KEY" => "EC",
            "RSA PRIVATE KEY" => "RSA",
            "ENCRYPTED PRIVATE KEY" => "encrypted",
            "PRIVATE KEY" => PublicKeyAlgorithm.OfPkcs8(der) switch
            {
                PublicKeyAlgorithm.EcOid => "EC",
                null => "PKCS#8",
                var oid => PublicKeyAlgorithm.NameOf(oid),
            },
            _ => label[..^" PRIVATE KEY".Length],
        };
        return $"<redacted: {kind} private key, {der.Length} bytes>";
    }

    private static string Binary(byte[] value) => $"<binary: {value.Length} bytes, sha256 {Convert.ToHexStringLower(SHA256.HashData(value))}>";

    [GeneratedRegex("-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex BeginPattern();
}
