using System.Globalization;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>Envoy on the live mount: its file-based SDS (<c>watched_directory</c> on the mount) re-reads certificates, keys,
/// the CA bundle, CRLs, pins and SAN rules itself when kubelet swaps <c>..data</c>, and rejects an SDS update it cannot
/// load while keeping the previous secret. The supervisor restarts Envoy only when the bootstrap changed
/// (<see cref="EnvoyChanges"/>), after <c>envoy --mode validate</c> accepted it, as a hot restart: a new process with the next
/// <c>--restart-epoch</c> takes the listening sockets over and the old one drains for <c>--drain-time-s</c>.</summary>
/// <remarks>Envoy cannot run on the development machines: this driver's process handling is untested here; what is tested is
/// the decision (<see cref="EnvoyChanges"/>) and the arguments (<see cref="Arguments"/>).</remarks>
internal sealed class EnvoyDriver(SupervisorOptions options, TextWriter log) : IProxyDriver
{
    private const string Started = "starting main dispatch loop";
    private static readonly string[] s_failures = ["[critical]"];
    private readonly List<ProxyChild> _generations = [];
    private volatile ProxyChild? _newest;
    private int _epoch = -1;

    public string Proxy => "envoy";

    public string ConfigKey => EnvoyChanges.Bootstrap;

    /// <summary>Envoy reads the live mount (SDS must see kubelet's swaps), so nothing is rewritten.</summary>
    public IReadOnlyCollection<string> RewrittenKeys { get; } = [];

    /// <summary>Read from the status endpoint's thread too: through the newest generation's reference, never the list.</summary>
    public bool IsRunning => _newest is { HasExited: false };

    /// <summary>The command line of restart epoch <paramref name="epoch"/> for a bootstrap at <paramref name="bootstrap"/>.</summary>
    public static IReadOnlyList<string> Arguments(string bootstrap, int epoch, TimeSpan drain) =>
    [
        "-c", bootstrap,
        "--restart-epoch", epoch.ToString(CultureInfo.InvariantCulture),
        "--drain-time-s", ((int)drain.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        "--parent-shutdown-time-s", ((int)drain.TotalSeconds + 5).ToString(CultureInfo.InvariantCulture),
        "--drain-strategy", "gradual",
    ];

    public async Task<string?> CheckAsync(string directory, CancellationToken cancellationToken)
    {
        var (exit, output) = await ProxyCommand.RunAsync(options.ProxyBinary, ["--mode", "validate", "-c", Path.Combine(directory, EnvoyChanges.Bootstrap)], options.ProxyTimeout, cancellationToken)
            .ConfigureAwait(false);
        return exit == 0 ? null : output;
    }

    public async Task<string?> LoadAsync(string current, MountedVersion? running, MountedVersion next, CancellationToken cancellationToken)
    {
        if (IsRunning && running is not null && EnvoyChanges.Between(running.Files, next.Files) != EnvoyChange.Restart)
        {
            // SDS carries it: Envoy already re-read the files when kubelet swapped the mount.
            return null;
        }

        _generations.RemoveAll(g => g.HasExited);
        var child = ProxyChild.Start(options.ProxyBinary, Arguments(Path.Combine(options.Mount, EnvoyChanges.Bootstrap), ++_epoch, options.DrainTimeout), log);
        _generations.Add(child);
        _newest = child;
        var (ok, error) = await child.WaitForAsync(0, Started, s_failures, options.ProxyTimeout, cancellationToken).ConfigureAwait(false);
        return ok ? null : error;
    }

    public async Task StopAsync(TimeSpan drain)
    {
        foreach (var child in _generations.Where(g => !g.HasExited))
        {
            child.Signal(PosixSignals.Terminate);
            await child.WaitForExitAsync(drain).ConfigureAwait(false);
        }

        Dispose();
    }

    public void Dispose()
    {
        _newest = null;
        _generations.ForEach(g => g.Dispose());
        _generations.Clear();
    }
}
