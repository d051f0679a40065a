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
    public const string OutputConflict = "OutputConflict";

    public const string ExpiringSoon = "ExpiringSoon";
    public const string NotExpiringSoon = "NotExpiringSoon";
    public const string ChainComplete = "ChainComplete";
    public const string ChainIncomplete = "ChainIncomplete";
    public const string SelfSignedInUse = "SelfSignedInUse";
    public const string CaIssued = "CaIssued";
    public const string CertificatesNotInChain = "CertificatesNotInChain";
}
