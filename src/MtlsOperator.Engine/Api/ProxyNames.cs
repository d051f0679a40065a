namespace MtlsOperator.Engine.Api;

/// <summary>The spellings of <c>spec.proxy</c>: UpperCamelCase, the API's enum convention, and the lowercase of the first
/// v1alpha1 manifests, still accepted in v1alpha1 and deprecated (docs/api-versioning.md).</summary>
public static class ProxyNames
{
    public const string Envoy = "Envoy";
    public const string HAProxy = "HAProxy";
    public const string Nginx = "Nginx";
    public const string DeprecatedEnvoy = "envoy";
    public const string DeprecatedHAProxy = "haproxy";
    public const string DeprecatedNginx = "nginx";

    /// <summary>The spelling to use instead of a deprecated one, or null when <paramref name="value"/> is not deprecated.</summary>
    public static string? PreferredFor(string? value) => value switch
    {
        DeprecatedEnvoy => Envoy,
        DeprecatedHAProxy => HAProxy,
        DeprecatedNginx => Nginx,
        _ => null,
    };
}
