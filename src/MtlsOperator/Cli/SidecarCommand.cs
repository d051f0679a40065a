using System.Globalization;
using System.Runtime.InteropServices;
using MtlsOperator.Sidecar;

namespace MtlsOperator.Cli;

/// <summary><c>sidecar</c>: runs the proxy over the mounted output Secret, checks and reloads each new version, reports what it serves.</summary>
internal sealed class SidecarCommand(TextWriter stdout, TextWriter stderr, TimeProvider clock)
{
    public const string Usage = """
        usage: mtls-operator sidecar --proxy haproxy|nginx|envoy --mount DIR [--config-mount-path PATH] [--runtime-dir DIR]
                                     [--status-port 15021] [--status-address 0.0.0.0] [--proxy-binary PATH]
                                     [--resolv-conf /etc/resolv.conf] [--recheck-interval 10] [--shutdown-delay 5] [--drain-timeout 20]
          --mount             where the output Secret volume is mounted (never with subPath: kubelet does not update those)
          --config-mount-path the listener's spec.mountPath, which the rendered config names (default: --mount)
          --runtime-dir       writable directory (an emptyDir) for the checked copies the proxy runs (default /tmp/mtls-sidecar)
          --status-port       /status, /readyz, /healthz and /metrics (default 15021)
          --resolv-conf       nameservers for nginx's resolver when the upstream is a DNS name (default /etc/resolv.conf)
          --recheck-interval  seconds between re-reads of the mount, besides file-system events (default 10)
          --shutdown-delay    after SIGTERM: seconds the proxy keeps serving while /readyz fails (default 5)
          --drain-timeout     then: seconds open connections may take to finish (default 20)
        """;

    private static readonly string[] s_valued =
        ["--proxy", "--mount", "--config-mount-path", "--runtime-dir", "--status-port", "--status-address", "--proxy-binary",
         "--resolv-conf", "--recheck-interval", "--shutdown-delay", "--drain-timeout"];

    public int Run(IReadOnlyList<string> args)
    {
        var o = CommandLine.Parse(args, s_valued, []);
        var proxy = o.Value("--proxy");
        var mount = o.Value("--mount");
        if (o.Error is not null || o.Positionals.Count > 0 || proxy is not ("haproxy" or "nginx" or "envoy") || mount is null)
        {
            stderr.WriteLine(o.Error ?? (o.Positionals.Count > 0 ? $"unexpected argument {o.Positionals[0]}" : "--proxy haproxy|nginx|envoy and --mount are required"));
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        SupervisorOptions options;
        try
        {
            var defaults = new SupervisorOptions(proxy, mount, mount, "", "");
            options = new SupervisorOptions(
                proxy,
                Path.GetFullPath(mount),
                o.Value("--config-mount-path") ?? Path.GetFullPath(mount),
                Path.GetFullPath(o.Value("--runtime-dir") ?? "/tmp/mtls-sidecar"),
                o.Value("--proxy-binary") ?? FindOnPath(proxy) ?? proxy)
            {
                StatusPort = o.Value("--status-port") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : defaults.StatusPort,
                StatusAddress = o.Value("--status-address") ?? defaults.StatusAddress,
                ResolvConf = o.Value("--resolv-conf") ?? defaults.ResolvConf,
                RecheckInterval = Seconds(o.Value("--recheck-interval")) ?? defaults.RecheckInterval,
                ShutdownDelay = Seconds(o.Value("--shutdown-delay")) ?? defaults.ShutdownDelay,
                DrainTimeout = Seconds(o.Value("--drain-timeout")) ?? defaults.DrainTimeout,
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine(Usage);
            return ExitCodes.BadInput;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        new SidecarHost(options, clock, stdout).RunAsync(stop.Token).GetAwaiter().GetResult();
        return ExitCodes.Ok;
    }

    private static TimeSpan? Seconds(string? value) =>
        value is null ? null : TimeSpan.FromSeconds(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
