using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;

namespace MtlsOperator.Engine.Injection;

/// <summary>The sidecar container and its two volumes for one listener, as pod-spec JSON.</summary>
internal static class SidecarContainer
{
    public static JsonObject ContainerFor(MtlsListener listener, string image, SidecarSettings settings)
    {
        IntOrString statusPort = InjectionNames.StatusPortName;
        var resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(settings.CpuRequest),
                ["memory"] = new(settings.MemoryRequest),
            },
            Limits = settings.MemoryLimit is { } limit ? new Dictionary<string, ResourceQuantity> { ["memory"] = new(limit) } : null,
        };
        var container = new V1Container
        {
            Name = InjectionNames.SidecarContainer,
            Image = image,
            ImagePullPolicy = settings.ImagePullPolicy,
            Args =
            [
                "sidecar",
                "--proxy", ProxyOf(listener),
                "--mount", ListenerSpecDefaults.MountPathOf(listener),
                "--status-port", settings.StatusPort.ToString(CultureInfo.InvariantCulture),
            ],
            Ports =
            [
                new V1ContainerPort { Name = InjectionNames.ListenPortName, ContainerPort = listener.Spec.ListenPort, Protocol = "TCP" },
                new V1ContainerPort { Name = InjectionNames.StatusPortName, ContainerPort = settings.StatusPort, Protocol = "TCP" },
            ],
            // Ready only once the proxy serves a configuration that passed its own check; alive while the supervisor runs.
            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = statusPort }, PeriodSeconds = 5, FailureThreshold = 3 },
            LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = statusPort }, PeriodSeconds = 10, FailureThreshold = 3, TimeoutSeconds = 2 },
            Resources = resources,
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = settings.RunAsUser,
                RunAsGroup = settings.RunAsUser,
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = InjectionNames.OutputVolume, MountPath = ListenerSpecDefaults.MountPathOf(listener), ReadOnlyProperty = true },
                new V1VolumeMount { Name = InjectionNames.RuntimeVolume, MountPath = InjectionNames.RuntimeDirectory },
            ],
        };
        return ToJson(container);
    }

    /// <summary>The output Secret, whole: kubelet swaps its files atomically through the <c>..data</c> symlink.</summary>
    public static JsonObject OutputVolumeFor(MtlsListener listener) => ToJson(new V1Volume
    {
        Name = InjectionNames.OutputVolume,
        Secret = new V1SecretVolumeSource { SecretName = ListenerSpecDefaults.OutputSecretName(listener), Optional = false },
    });

    public static JsonObject RuntimeVolumeFor() => ToJson(new V1Volume
    {
        Name = InjectionNames.RuntimeVolume,
        EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") },
    });

    public static string ProxyOf(MtlsListener listener) => listener.Spec.Proxy.Trim().ToLowerInvariant();

    private static readonly string[] s_leadingKeys = ["name", "image"];

    /// <summary>The model's JSON with <c>name</c> (and <c>image</c>) first, as people write them.</summary>
    private static JsonObject ToJson(object value)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(value))!.AsObject();
        var ordered = new JsonObject();
        foreach (var key in s_leadingKeys.Where(json.ContainsKey).Concat(json.Select(p => p.Key).Where(k => k is not "name" and not "image")).ToList())
        {
            ordered[key] = json[key]!.DeepClone();
        }

        return ordered;
    }
}
