using MtlsOperator.Engine.Api;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>The defaults a listener spec gets when fields are omitted, in one place so render and status agree.</summary>
public static class ListenerSpecDefaults
{
    public const string MountPath = "/etc/mtls";
    public const string UpstreamHost = "127.0.0.1";

    public static string OutputSecretName(MtlsListener listener) =>
        string.IsNullOrWhiteSpace(listener.Spec.OutputSecretName) ? listener.Metadata.Name + "-mtls" : listener.Spec.OutputSecretName;

    public static string MountPathOf(MtlsListener listener) =>
        string.IsNullOrWhiteSpace(listener.Spec.MountPath) ? MountPath : listener.Spec.MountPath.TrimEnd('/');
}
