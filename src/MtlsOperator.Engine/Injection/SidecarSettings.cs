using System.Collections.Immutable;

namespace MtlsOperator.Engine.Injection;

/// <summary>What the injected sidecar container looks like beyond the listener: images, status port, resources, user.</summary>
/// <param name="Images">Sidecar image per proxy flavour (<c>haproxy</c>, <c>nginx</c>, <c>envoy</c>).</param>
/// <param name="StatusPort">Port of the supervisor's <c>/status</c>, <c>/readyz</c> and <c>/healthz</c>.</param>
public sealed record SidecarSettings(ImmutableDictionary<string, string> Images, int StatusPort = SidecarSettings.DefaultStatusPort)
{
    /// <summary>The status port when none is configured.</summary>
    public const int DefaultStatusPort = 15021;

    /// <summary>Image pull policy; null leaves the cluster default.</summary>
    public string? ImagePullPolicy { get; init; }

    public string CpuRequest { get; init; } = "50m";

    public string MemoryRequest { get; init; } = "64Mi";

    /// <summary>Memory limit; null sets none.</summary>
    public string? MemoryLimit { get; init; } = "256Mi";

    /// <summary>The non-root uid and gid the sidecar runs as.</summary>
    public long RunAsUser { get; init; } = 65532;

    /// <summary>Default images: the names the sidecar Dockerfiles are built as, tagged like the chart's appVersion.</summary>
    public static SidecarSettings Default { get; } = new(ImmutableDictionary.CreateRange(StringComparer.Ordinal,
    [
        KeyValuePair.Create("haproxy", "mtls-operator-sidecar-haproxy:0.1.0"),
        KeyValuePair.Create("nginx", "mtls-operator-sidecar-nginx:0.1.0"),
        KeyValuePair.Create("envoy", "mtls-operator-sidecar-envoy:0.1.0"),
    ]));

    /// <summary>A copy with the image of one flavour replaced.</summary>
    public SidecarSettings WithImage(string proxy, string image) => this with { Images = Images.SetItem(proxy, image) };
}
