namespace MtlsOperator.Engine.Issuance;

/// <summary>Reasons on the Ready condition of ClientCertificateAuthority and IssuedClientCertificate (docs/reasons.md).</summary>
public static class IssuanceReasons
{
    /// <summary>CA: the CA can sign and its CRL is published and current.</summary>
    public const string CrlPublished = "CrlPublished";

    /// <summary>CA: the Secret with the CA's certificate and key does not exist (yet).</summary>
    public const string SecretNotFound = "SecretNotFound";

    /// <summary>CA: the Secret does not hold a CA certificate and key that can sign client certificates and CRLs.</summary>
    public const string InvalidAuthority = "InvalidAuthority";

    /// <summary>Certificate: a current certificate is in the output Secret.</summary>
    public const string Issued = "Issued";

    /// <summary>Certificate: the ClientCertificateAuthority it names does not exist (yet).</summary>
    public const string AuthorityNotFound = "AuthorityNotFound";

    /// <summary>Certificate: the ClientCertificateAuthority cannot sign (its own status says why).</summary>
    public const string AuthorityNotReady = "AuthorityNotReady";

    /// <summary>Certificate: revoked and on the CA's published CRL. Final.</summary>
    public const string Revoked = "Revoked";

    /// <summary>Certificate: revoked, waiting for the CA to publish a CRL that lists it.</summary>
    public const string RevocationPending = "RevocationPending";

    /// <summary>Revocation: the IssuedClientCertificate it names is issued by another CA; nothing of it is revoked.</summary>
    public const string AuthorityMismatch = "AuthorityMismatch";

    /// <summary>Revocation: a serialNumbers entry is not a serial number.</summary>
    public const string InvalidSerial = "InvalidSerial";
}
