using k8s;
using MtlsOperator.Runtime.Throttling;

namespace MtlsOperator.Cli;

/// <summary>The KubernetesClient the operator's commands talk to the API server with: every request through a
/// <see cref="ThrottlingHandler"/>, ahead of any <paramref name="inner"/> handler.</summary>
internal static class OperatorClient
{
    public static Kubernetes Create(KubernetesClientConfiguration config, ClientThrottling throttling, params DelegatingHandler[] inner) =>
        new(config, [new ThrottlingHandler(throttling), .. inner]);
}
