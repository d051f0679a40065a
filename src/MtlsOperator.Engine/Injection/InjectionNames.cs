namespace MtlsOperator.Engine.Injection;

/// <summary>The names injection writes into a pod, in one place so the injector, the webhook and the rollout watcher agree.</summary>
public static class InjectionNames
{
    /// <summary>Annotation on a pod (template) naming the MtlsListener, in the pod's namespace, whose sidecar it gets.</summary>
    public const string ListenerAnnotation = "mtls-operator.io/listener";

    /// <summary>Label that opts a pod in: the webhook's objectSelector and the operator's pod watch select on it
    /// (selectors cannot match annotations, and a listener name may be too long for a label value).</summary>
    public const string InjectLabel = "mtls-operator.io/inject";

    /// <summary>Value of <see cref="InjectLabel"/> that opts in.</summary>
    public const string InjectLabelValue = "enabled";

    /// <summary>The annotation kubectl reads to pick the container for logs/exec when none is named.</summary>
    public const string DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container";

    /// <summary>Name of the sidecar container (proxy under the supervisor).</summary>
    public const string SidecarContainer = "mtls-proxy";

    /// <summary>Volume holding the listener's output Secret, mounted whole (never with subPath, which kubelet does not update).</summary>
    public const string OutputVolume = "mtls-output";

    /// <summary>Writable emptyDir for the proxy's run-time files; the root filesystem is read-only.</summary>
    public const string RuntimeVolume = "mtls-runtime";

    /// <summary>Where <see cref="RuntimeVolume"/> is mounted: the rendered nginx config keeps its pid and temp files under /tmp.</summary>
    public const string RuntimeDirectory = "/tmp";

    /// <summary>Name of the listen port on the sidecar container.</summary>
    public const string ListenPortName = "mtls";

    /// <summary>Name of the sidecar's status port (<c>/status</c>, <c>/readyz</c>, <c>/healthz</c>, <c>/metrics</c>).</summary>
    public const string StatusPortName = "mtls-status";
}
