using System.Text.RegularExpressions;

namespace MtlsOperator.Engine.Api;

/// <summary>The name rules the Kubernetes API server applies (apimachinery <c>IsDNS1123Subdomain</c>, <c>IsDNS1123Label</c>,
/// <c>IsConfigMapKey</c>), checked before a name is used as an object name or, by <c>render --out</c>, as a path.</summary>
public static partial class KubernetesNames
{
    /// <summary>Object names (Secrets, ConfigMaps, the custom resources): lowercase alphanumerics, '-' and '.', at most 253.</summary>
    public static bool IsDnsSubdomain(string? name) => name is { Length: > 0 and <= 253 } && Subdomain().IsMatch(name);

    /// <summary>Namespace names: lowercase alphanumerics and '-', at most 63.</summary>
    public static bool IsDnsLabel(string? name) => name is { Length: > 0 and <= 63 } && Label().IsMatch(name);

    /// <summary>Secret and ConfigMap data keys: alphanumerics, '-', '_' and '.', at most 253, never "." or "..".</summary>
    public static bool IsDataKey(string? key) => key is { Length: > 0 and <= 253 } and not ("." or "..") && DataKey().IsMatch(key);

    /// <summary>Why <paramref name="name"/> is not a valid object name, as a sentence naming <paramref name="field"/>; null when it is.</summary>
    public static string? SubdomainProblem(string field, string? name) => IsDnsSubdomain(name)
        ? null
        : $"{field} \"{Shown(name)}\" is not a valid Kubernetes name: use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit.";

    /// <summary>Why <paramref name="name"/> is not a valid namespace name; null when it is.</summary>
    public static string? LabelProblem(string field, string? name) => IsDnsLabel(name)
        ? null
        : $"{field} \"{Shown(name)}\" is not a valid Kubernetes namespace name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit.";

    // Names come from user input; keep what the message quotes short and printable.
    private static string Shown(string? name) =>
        name is null ? "" : new string([.. name.Take(64).Select(c => char.IsControl(c) ? '?' : c)]) + (name.Length > 64 ? "…" : "");

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]+$")]
    private static partial Regex DataKey();
}
