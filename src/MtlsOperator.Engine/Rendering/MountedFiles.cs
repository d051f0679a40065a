namespace MtlsOperator.Engine.Rendering;

/// <summary>Where the sidecar sees a key of the output Secret.</summary>
public static class MountedFiles
{
    /// <summary><see cref="ListenerRenderModel.MountPath"/> + "/" + <paramref name="key"/>.</summary>
    public static string PathOf(this ListenerRenderModel model, string key) => model.MountPath.TrimEnd('/') + "/" + key;
}
