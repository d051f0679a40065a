namespace MtlsOperator.Engine.Issuance;

/// <summary>Keys and annotations of the Secret an IssuedClientCertificate writes.</summary>
public static class IssuedSecretData
{
    /// <summary>The current certificate and the chain above it (not the self-signed root).</summary>
    public const string Certificate = "tls.crt";

    /// <summary>Its private key, PKCS#8 PEM.</summary>
    public const string PrivateKey = "tls.key";

    /// <summary>The CA certificate (and its chain), for clients that verify nothing with it but want to show it.</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>Earlier certificates of this resource that have not expired (PEM), newest first: what a revocation also covers and a pin
    /// by reference admits during the overlap. Absent when there are none.</summary>
    public const string Previous = "previous.crt";

    /// <summary>Default key of the PKCS#12 file.</summary>
    public const string DefaultPkcs12 = "keystore.p12";

    /// <summary>Annotation: a digest of what the current certificate was issued for (CA, subject, names, key algorithm, validity);
    /// a change issues a new certificate.</summary>
    public const string IssuedForAnnotation = "mtls-operator.io/issued-for";

    /// <summary>Suffix of the default Secret name.</summary>
    public const string SecretSuffix = "-tls";

    /// <summary>The Secret an IssuedClientCertificate writes.</summary>
    public static string SecretNameOf(Api.IssuedClientCertificate certificate) =>
        string.IsNullOrEmpty(certificate.Spec?.SecretName) ? certificate.Metadata.Name + SecretSuffix : certificate.Spec.SecretName;
}
