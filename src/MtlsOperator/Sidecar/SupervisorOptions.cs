namespace MtlsOperator.Sidecar;

/// <summary>How the sidecar runs: which proxy, where the Secret is mounted, where it may write, and its timings.</summary>
/// <param name="Proxy"><c>haproxy</c>, <c>nginx</c> or <c>envoy</c>.</param>
/// <param name="Mount">Where kubelet mounts the output Secret (a whole-volume mount, never <c>subPath</c>).</param>
/// <param name="ConfigMountPath">The listener's <c>spec.mountPath</c>: the directory the rendered config refers to. Usually <see cref="Mount"/>.</param>
/// <param name="RuntimeDirectory">Writable (an emptyDir): accepted versions, the proxy's <c>current</c> link.</param>
/// <param name="ProxyBinary">The proxy executable.</param>
internal sealed record SupervisorOptions(string Proxy, string Mount, string ConfigMountPath, string RuntimeDirectory, string ProxyBinary)
{
    public string StatusAddress { get; init; } = "0.0.0.0";

    public int StatusPort { get; init; } = 15021;

    /// <summary>The pod's resolver configuration, the nameservers nginx is given for an upstream DNS name.</summary>
    public string ResolvConf { get; init; } = "/etc/resolv.conf";

    /// <summary>Backstop for a missed file-system event: the mount is re-read this often.</summary>
    public TimeSpan RecheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After SIGTERM, how long the proxy keeps serving while not ready, so endpoints drop the pod first.</summary>
    public TimeSpan ShutdownDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>After the shutdown delay, how long open connections may finish before the proxy is stopped hard.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a proxy may take to start, check a config or acknowledge a reload.</summary>
    public TimeSpan ProxyTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
