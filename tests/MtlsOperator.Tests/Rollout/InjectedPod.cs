using k8s;
using k8s.Models;
using MtlsOperator.Engine.Injection;

namespace MtlsOperator.Tests.Rollout;

/// <summary>An injected pod as kubelet reports it running, created through the real client: the inject label, the listener
/// annotation, the sidecar container with its status port, phase Running and IP 127.0.0.1 (where the test's sidecar listens).</summary>
internal static class InjectedPod
{
    public static async Task CreateAsync(Kubernetes client, string ns, string name, string listener, int statusPort)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string> { [InjectionNames.InjectLabel] = InjectionNames.InjectLabelValue },
                Annotations = new Dictionary<string, string> { [InjectionNames.ListenerAnnotation] = listener },
            },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container { Name = "app", Image = "app" },
                    new V1Container
                    {
                        Name = InjectionNames.SidecarContainer,
                        Image = "sidecar",
                        Ports = [new V1ContainerPort { Name = InjectionNames.StatusPortName, ContainerPort = statusPort }],
                    },
                ],
            },
        };
        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        // kubelet's part: the pod runs and has an IP.
        created.Status = new V1PodStatus { Phase = "Running", PodIP = "127.0.0.1" };
        await client.CoreV1.ReplaceNamespacedPodStatusAsync(created, name, ns);
    }
}
