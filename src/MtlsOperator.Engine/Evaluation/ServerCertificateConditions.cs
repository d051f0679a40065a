namespace MtlsOperator.Engine.Evaluation;

/// <summary>Condition types a ServerCertificate reports besides <c>Ready</c>; all are warnings that leave <c>Ready</c> as it is.</summary>
public static class ServerCertificateConditions
{
    /// <summary>True when the certificate expires within the warning window (or has expired).</summary>
    public const string ExpiringSoon = "ExpiringSoon";

    /// <summary>True when the chain reaches a self-signed root from the Secret's own certificates.</summary>
    public const string ChainComplete = "ChainComplete";

    /// <summary>True when the served certificate is self-signed.</summary>
    public const string SelfSigned = "SelfSigned";

    /// <summary>CSR flow: True while the next key's request (status.csr.renewal) waits to be signed; present once a certificate is served.</summary>
    public const string RenewalPending = "RenewalPending";

    /// <summary>False when the pins cannot be published in their ConfigMap (a ConfigMap the operator does not own holds the name); present only then.</summary>
    public const string PinsPublished = "PinsPublished";

    /// <summary>True when <c>tls.crt</c> holds blocks that are not part of the served chain; present only then.</summary>
    public const string UnusedCertificates = "UnusedCertificates";
}
