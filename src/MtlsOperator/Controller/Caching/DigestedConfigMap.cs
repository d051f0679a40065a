using k8s.Models;

namespace MtlsOperator.Controller.Caching;

/// <summary>An output ConfigMap as the cache keeps it when only its owner reads it (a ServerCertificate's pins): metadata as
/// sent, data and binaryData as their digest only.</summary>
/// <remarks><see cref="V1ConfigMap.Data"/> and <see cref="V1ConfigMap.BinaryData"/> are null: code that reads data never gets
/// one of these (see <c>ClusterCache</c>).</remarks>
internal sealed record DigestedConfigMap : V1ConfigMap
{
    // The models are records: the base copy constructor takes everything (shallow), then the data is let go.
    public DigestedConfigMap(V1ConfigMap full)
        : base(full)
    {
        Digest = OutputDigest.Of(full);
        Data = null;
        BinaryData = null;
    }

    /// <summary><see cref="OutputDigest.Of(V1ConfigMap)"/> of the full ConfigMap.</summary>
    public string Digest { get; }
}
