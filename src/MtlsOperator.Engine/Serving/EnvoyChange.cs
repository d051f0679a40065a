namespace MtlsOperator.Engine.Serving;

/// <summary>What the sidecar must do for Envoy when the mounted Secret changes.</summary>
public enum EnvoyChange
{
    /// <summary>Same content: nothing to do.</summary>
    None,

    /// <summary>Only SDS-carried files changed (certificates, keys, CA bundle, CRLs, pins, SAN rules): Envoy re-reads them itself.</summary>
    Sds,

    /// <summary>The bootstrap changed (ports, listeners, SNI chains, the identity header, which SDS files exist): a (hot) restart.</summary>
    Restart,
}

/// <summary>Decides <see cref="EnvoyChange"/> between the version Envoy runs and the one now mounted.</summary>
/// <remarks>Everything that rotates lives in the <c>sds-*.yaml</c> files and the PEM files they name, which Envoy watches
/// (<c>watched_directory</c> on the mount) and reloads when kubelet swaps <c>..data</c>. Everything else is in the bootstrap
/// <c>envoy.yaml</c>, which Envoy reads once at start.</remarks>
public static class EnvoyChanges
{
    /// <summary>The bootstrap key of an Envoy output Secret.</summary>
    public const string Bootstrap = "envoy.yaml";

    public static EnvoyChange Between(IReadOnlyDictionary<string, byte[]> running, IReadOnlyDictionary<string, byte[]> mounted)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(mounted);
        if (!SameBytes(running, mounted, Bootstrap))
        {
            return EnvoyChange.Restart;
        }

        var keys = running.Keys.Union(mounted.Keys, StringComparer.Ordinal);
        return keys.All(k => SameBytes(running, mounted, k)) ? EnvoyChange.None : EnvoyChange.Sds;
    }

    private static bool SameBytes(IReadOnlyDictionary<string, byte[]> a, IReadOnlyDictionary<string, byte[]> b, string key) =>
        a.TryGetValue(key, out var x) == b.TryGetValue(key, out var y) && (x is null || x.AsSpan().SequenceEqual(y));
}
