namespace MtlsOperator.Engine.Policy;

/// <summary>The spelling of pin algorithms in status and messages, matching the spec field names.</summary>
public static class PinNames
{
    public static string Of(PinAlgorithm algorithm) => algorithm switch
    {
        PinAlgorithm.Sha1 => "sha1",
        PinAlgorithm.Sha256 => "sha256",
        PinAlgorithm.SpkiSha256 => "spki-sha256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
}
