using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>One consistent version of the mounted Secret: every key's bytes, all from the same kubelet projection.</summary>
internal sealed record MountedVersion(IReadOnlyDictionary<string, byte[]> Files)
{
    public string Hash { get; } = OutputContentHash.Of(Files);
}
