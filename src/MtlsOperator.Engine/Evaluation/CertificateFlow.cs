namespace MtlsOperator.Engine.Evaluation;

/// <summary>Where a ServerCertificate's certificate comes from (the spec's one-of).</summary>
internal enum CertificateFlow
{
    SecretRef,
    SelfSigned,
    Csr,
}
