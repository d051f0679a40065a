namespace MtlsOperator.Engine.Policy;

/// <summary>A normalized pin: lowercase hex without separators for certificate thumbprints, standard base64 for SPKI.</summary>
public sealed record CertificatePin(PinAlgorithm Algorithm, string Value);
