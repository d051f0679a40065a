namespace MtlsOperator.Engine.Policy;

/// <summary>What a pin is a hash of.</summary>
public enum PinAlgorithm
{
    /// <summary>SHA-1 of the DER certificate.</summary>
    Sha1,

    /// <summary>SHA-256 of the DER certificate.</summary>
    Sha256,

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo (HPKP-style).</summary>
    SpkiSha256,
}
