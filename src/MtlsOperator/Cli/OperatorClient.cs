using k8s;
using MtlsOperator.Runtime.Throttling;

namespace MtlsOperator.Cli;

/// <summary>The KubernetesClient the operator's commands talk to the API server with: every request through a
/// <see cref="ThrottlingHandler"/>, ahead of any <paramref name="inner"/> handler.</summary>
internal static class OperatorClient
{
    public static Kubernetes Create(KubernetesClientConfiguration config, ClientThrottling throttling, params DelegatingHandler[] inner) =>
        new(config, [new ThrottlingHandler(throttling), .. inner]);

    /// <summary>The client the leader election renews its Lease with when <paramref name="throttling"/> paces the main one: the
    /// server's pushback still honoured, but no client-side limit; null when there is none to keep out of the way of.</summary>
    public static Kubernetes? ForLease(KubernetesClientConfiguration config, ClientThrottling throttling, params DelegatingHandler[] inner) =>
        throttling.Qps is null ? null : Create(config, throttling with { Qps = null, Burst = null }, inner);
}
