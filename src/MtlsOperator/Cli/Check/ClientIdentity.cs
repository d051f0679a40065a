using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Cli.Check;

/// <summary>The client certificate a check presents: the leaf with its private key, and the CA certificates sent with it.</summary>
internal sealed record ClientIdentity(X509Certificate2 Certificate, ImmutableArray<X509Certificate2> Chain)
{
    /// <summary>From PEM files (<c>--cert</c> with the chain after the leaf, <c>--key</c>; the key may also be in the cert file, and
    /// may be an encrypted PKCS#8 key opened with <paramref name="password"/>).</summary>
    public static ClientIdentity FromPem(string certificateFile, string? keyFile, string? password)
    {
        var bytes = File.ReadAllBytes(certificateFile);
        if (!PemBlock.LooksLikePem(bytes))
        {
            throw new FormatException($"{certificateFile}: not PEM; for a PKCS#12 file use --p12");
        }

        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var certificates = PemBlock.ReadAll(text).Where(b => b.Label == PemLabels.Certificate)
            .Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span)).ToList();
        if (certificates.Count == 0)
        {
            throw new FormatException($"{certificateFile}: no certificate found");
        }

        var keyText = keyFile is null ? text : File.ReadAllText(keyFile);
        X509Certificate2 withKey;
        try
        {
            var leafPem = PemBlock.ReadAll(text).First(b => b.Label == PemLabels.Certificate).ToPem();
            withKey = keyText.Contains("BEGIN ENCRYPTED PRIVATE KEY", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromEncryptedPem(leafPem, keyText, password ?? throw new FormatException($"{keyFile ?? certificateFile}: the key is encrypted: give --password-file or --password"))
                : X509Certificate2.CreateFromPem(leafPem, keyText);
        }
        catch (CryptographicException e)
        {
            throw new FormatException($"{keyFile ?? certificateFile}: no private key matching the certificate ({e.Message}); give it with --key");
        }

        return new ClientIdentity(withKey, [.. certificates.Skip(1)]);
    }

    /// <summary>From a PKCS#12 (.p12/.pfx) file: the certificate that has a private key, and the other certificates as its chain.</summary>
    public static ClientIdentity FromPkcs12(string file, string? password)
    {
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(file, password, X509KeyStorageFlags.EphemeralKeySet);
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new FormatException($"{file}: no certificate with a private key");
        return new ClientIdentity(leaf, [.. all.Where(c => !ReferenceEquals(c, leaf))]);
    }
}
