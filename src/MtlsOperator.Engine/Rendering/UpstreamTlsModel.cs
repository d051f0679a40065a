namespace MtlsOperator.Engine.Rendering;

/// <summary>TLS from the proxy to the upstream, as files of the output Secret. With <see cref="CaFile"/> null the upstream's
/// certificate is not verified at all: only rendered when the spec said so in the words of <c>insecureSkipVerify</c>.</summary>
/// <param name="ServerName">Sent as SNI and, when verifying, the name the upstream's certificate must carry.</param>
/// <param name="CaFile">Key holding the CAs the upstream's certificate must chain to, or null when verification is disabled.</param>
/// <param name="ClientCertificateFile">Key holding the certificate (leaf first, then intermediates) the proxy presents upstream, or null.</param>
/// <param name="ClientKeyFile">Key holding that certificate's private key; set exactly when <paramref name="ClientCertificateFile"/> is.</param>
public sealed record UpstreamTlsModel(string ServerName, string? CaFile, string? ClientCertificateFile, string? ClientKeyFile)
{
    /// <summary>Secret key of the upstream's trust bundle.</summary>
    public const string CaKey = "upstream-ca.crt";

    /// <summary>Secret key of the certificate presented to the upstream.</summary>
    public const string ClientCertificateKey = "upstream-client.crt";

    /// <summary>Secret key of its private key.</summary>
    public const string ClientKeyKey = "upstream-client.key";

    /// <summary>Whether the upstream's certificate is verified (chain and name).</summary>
    public bool Verifies => CaFile is not null;
}
