using System.Globalization;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Cli;

/// <summary>The command-line options shared by <c>run</c> (the webhook) and <c>inject</c>, so both build the same sidecar.</summary>
internal static class SidecarOptions
{
    public const string Usage = """
          --sidecar-image-haproxy|-nginx|-envoy IMAGE   sidecar image per proxy flavour
          --sidecar-status-port PORT                    the sidecar's /status, /readyz, /healthz port (default 15021)
          --sidecar-pull-policy POLICY                  imagePullPolicy of the sidecar (default: the cluster's)
        """;

    public static readonly string[] Names = ["--sidecar-image-haproxy", "--sidecar-image-nginx", "--sidecar-image-envoy", "--sidecar-status-port", "--sidecar-pull-policy"];

    /// <summary>The settings these options describe; throws <see cref="FormatException"/> on a bad port.</summary>
    public static SidecarSettings From(CommandLine line)
    {
        var settings = SidecarSettings.Default;
        foreach (var proxy in new[] { "haproxy", "nginx", "envoy" })
        {
            if (line.Value("--sidecar-image-" + proxy) is { } image)
            {
                settings = settings.WithImage(proxy, image);
            }
        }

        if (line.Value("--sidecar-status-port") is { } port)
        {
            var number = int.Parse(port, CultureInfo.InvariantCulture);
            settings = number is >= 1 and <= 65535 ? settings with { StatusPort = number } : throw new FormatException($"--sidecar-status-port {port} is not a TCP port");
        }

        return line.Value("--sidecar-pull-policy") is { } policy ? settings with { ImagePullPolicy = policy } : settings;
    }
}
