namespace MtlsOperator.Engine.Pki;

/// <summary>PEM labels the engine reads and writes.</summary>
public static class PemLabels
{
    public const string Certificate = "CERTIFICATE";
    public const string Crl = "X509 CRL";
}
