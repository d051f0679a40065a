namespace MtlsOperator.Engine.Evaluation;

/// <summary>Reasons on a ServerCertificate's conditions.</summary>
public static class ServerCertificateReasons
{
    public const string Valid = "Valid";
    public const string InvalidSpec = "InvalidSpec";
    public const string CrossNamespaceReference = "CrossNamespaceReference";
    public const string SecretNotFound = "SecretNotFound";
    public const string UnsupportedSecretType = "UnsupportedSecretType";
    public const string SecretIncomplete = "SecretIncomplete";
    public const string InvalidCertificate = "InvalidCertificate";
    public const string InvalidPrivateKey = "InvalidPrivateKey";
    public const string EncryptedPrivateKey = "EncryptedPrivateKey";
    public const string UnsupportedKeyAlgorithm = "UnsupportedKeyAlgorithm";
    public const string KeyMismatch = "KeyMismatch";
    public const string NotYetValid = "NotYetValid";
    public const string Expired = "Expired";
    public const string HostnameMismatch = "HostnameMismatch";
    public const string MissingDigitalSignature = "MissingDigitalSignature";
    public const string MissingServerAuth = "MissingServerAuth";

    /// <summary>A served certificate's key is below OpenSSL's default security level (RSA/DSA under 2048 bits, ECDSA under 224).</summary>
    public const string WeakKey = "WeakKey";

    /// <summary>A served certificate that is not self-signed is signed with SHA-1, MD5 or weaker.</summary>
    public const string WeakSignature = "WeakSignature";
    public const string BootstrapPending = "BootstrapPending";

    /// <summary>CSR flow: the request in status.csr.request waits for a CA to sign it and the certificate to be brought back.</summary>
    public const string AwaitingSignedCertificate = "AwaitingSignedCertificate";

    /// <summary>CSR flow: the certificate brought back is for none of the keys the operator generated (signed from another request).</summary>
    public const string SignedForAnotherKey = "SignedForAnotherKey";

    /// <summary>CSR flow: the certificate lacks an IP or email subjectAltName the request asked for.</summary>
    public const string SubjectAltNameMissing = "SubjectAltNameMissing";

    /// <summary>CSR flow: spec.csr.signingRequest names a signer the operator is not allowed to submit to.</summary>
    public const string SignerNotAllowed = "SignerNotAllowed";

    /// <summary>CSR flow: the key has not been generated yet (a listener read the ServerCertificate before its first reconcile).</summary>
    public const string KeyPending = "KeyPending";

    /// <summary>CSR flow (RenewalPending=True): the next key's request waits to be signed while the current certificate serves.</summary>
    public const string RenewalRequested = "RenewalRequested";

    /// <summary>CSR flow (RenewalPending=False): the served certificate is not due for renewal.</summary>
    public const string RenewalNotDue = "RenewalNotDue";
    public const string OutputConflict = "OutputConflict";

    public const string ExpiringSoon = "ExpiringSoon";
    public const string NotExpiringSoon = "NotExpiringSoon";
    public const string ChainComplete = "ChainComplete";
    public const string ChainIncomplete = "ChainIncomplete";
    public const string SelfSignedInUse = "SelfSignedInUse";
    public const string CaIssued = "CaIssued";
    public const string CertificatesNotInChain = "CertificatesNotInChain";
}
