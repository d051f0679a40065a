using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Admission;

/// <summary>
/// Keeps the admission webhook's serving certificate valid: a self-signed CA (the webhook's caBundle) and a serving
/// certificate for the webhook Service's DNS names, replaced before they expire.
/// </summary>
/// <remarks>
/// A new CA joins the bundle beside the old one (which stays until it expires), and the serving certificate moves to
/// the new CA only once the installed caBundle already trusts it, so the API server never meets a certificate it
/// cannot verify. Pure: the current Secret, the installed caBundle, the clock and fresh keys in; the desired state out.
/// The same inputs give the same output, so an unchanged world writes nothing.
/// </remarks>
public static class WebhookCertificates
{
    public const string CaCertificateKey = "ca.crt";
    public const string CaKeyKey = "ca.key";
    public const string CertificateKey = "tls.crt";
    public const string KeyKey = "tls.key";

    public static WebhookCertificatePlan Plan(
        IReadOnlyDictionary<string, byte[]>? current, string? installedCaBundle, ImmutableArray<string> dnsNames,
        DateTimeOffset now, FreshKeys fresh, WebhookCertificateLifetimes lifetimes)
    {
        var cas = ReadCertificates(current, CaCertificateKey).Where(c => c.NotAfter > now.UtcDateTime).ToList();
        var caKey = Text(current, CaKeyKey);
        var signer = cas.FirstOrDefault(c => caKey is not null && KeyMatches(c, caKey));
        var signerKey = caKey;
        if (signer is null || signer.NotAfter - now.UtcDateTime < lifetimes.CaRenewBefore)
        {
            signerKey = fresh.CaKeyPem;
            signer = IssueCa(signerKey, now, lifetimes, fresh.Serials[0]);
            cas.Insert(0, signer);
        }
        else
        {
            cas.Remove(signer);
            cas.Insert(0, signer);
        }

        var serving = ReadCertificates(current, CertificateKey).FirstOrDefault();
        var servingKey = Text(current, KeyKey);
        var servingUsable = serving is not null && servingKey is not null && KeyMatches(serving, servingKey)
                            && serving.NotAfter > now.UtcDateTime && cas.Any(ca => IssuedBy(serving, ca, now));
        var servingCurrent = servingUsable && IssuedBy(serving!, signer, now) && NamesOf(serving!).SetEquals(dnsNames)
                             && serving!.NotAfter - now.UtcDateTime >= lifetimes.ServingRenewBefore;
        var signerInstalled = installedCaBundle is not null && ReadPem(installedCaBundle).Any(c => c.RawData.AsSpan().SequenceEqual(signer.RawData));
        // Re-issue now when nothing usable is served (first start, damage), when the API server already trusts the
        // signer, or when the signer is the serving certificate's own CA; otherwise the usable one waits for the caBundle.
        var mayIssue = !servingUsable || signerInstalled || IssuedBy(serving!, signer, now);
        if (!servingCurrent && mayIssue)
        {
            servingKey = fresh.ServingKeyPem;
            serving = IssueServing(servingKey, signer, signerKey!, dnsNames, now, lifetimes, fresh.Serials[1]);
        }

        var bundle = string.Concat(cas.Select(c => c.ExportCertificatePem() + "\n"));
        var data = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create(CaCertificateKey, Encoding.ASCII.GetBytes(bundle)),
            KeyValuePair.Create(CaKeyKey, Encoding.ASCII.GetBytes(signerKey!)),
            KeyValuePair.Create(CertificateKey, Encoding.ASCII.GetBytes(serving!.ExportCertificatePem() + "\n")),
            KeyValuePair.Create(KeyKey, Encoding.ASCII.GetBytes(servingKey!)),
        ]);
        var moments = cas.Select(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()))
            .Append(new DateTimeOffset(signer.NotAfter.ToUniversalTime()) - lifetimes.CaRenewBefore)
            .Append(new DateTimeOffset(serving.NotAfter.ToUniversalTime()) - lifetimes.ServingRenewBefore)
            .Where(m => m > now);
        return new WebhookCertificatePlan(data, bundle, moments.DefaultIfEmpty(now + TimeSpan.FromMinutes(1)).Min());
    }

    private static X509Certificate2 IssueCa(string keyPem, DateTimeOffset now, WebhookCertificateLifetimes lifetimes, byte[] serial)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName("mtls-operator webhook CA " + now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now - SelfSignedIssuer.Backdate, now + lifetimes.CaValidity, serial);
        return X509CertificateLoader.LoadCertificate(ca.RawData);
    }

    private static X509Certificate2 IssueServing(string keyPem, X509Certificate2 ca, string caKeyPem, ImmutableArray<string> dnsNames, DateTimeOffset now, WebhookCertificateLifetimes lifetimes, byte[] serial)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(caKeyPem);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(dnsNames[0]);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerKeyUsage.ServerAuthOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime()) is var caEnd && caEnd < now + lifetimes.ServingValidity ? caEnd : now + lifetimes.ServingValidity;
        using var serving = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - SelfSignedIssuer.Backdate, notAfter, serial);
        return X509CertificateLoader.LoadCertificate(serving.RawData);
    }

    /// <summary>Verified by the platform's chain builder against <paramref name="ca"/> alone, at <paramref name="now"/>.</summary>
    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset now)
    {
        var check = CertificatePaths.Build(certificate, [ca], [], now);
        return check.RootReached && check.Flags == X509ChainStatusFlags.NoError && check.Path.Length == 2 && ReferenceEquals(check.Path[1], ca);
    }

    private static bool KeyMatches(X509Certificate2 certificate, string keyPem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(keyPem);
            using var pub = certificate.GetECDsaPublicKey();
            return pub is not null && pub.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo());
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static ImmutableHashSet<string> NamesOf(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToImmutableHashSet(StringComparer.Ordinal);

    private static string? Text(IReadOnlyDictionary<string, byte[]>? data, string key) =>
        data is not null && data.TryGetValue(key, out var bytes) ? Encoding.ASCII.GetString(bytes) : null;

    private static List<X509Certificate2> ReadCertificates(IReadOnlyDictionary<string, byte[]>? data, string key) =>
        Text(data, key) is { } pem ? ReadPem(pem) : [];

    private static List<X509Certificate2> ReadPem(string pem)
    {
        var certificates = new List<X509Certificate2>();
        foreach (var block in PemBlock.ReadAll(pem).Where(b => b.Label == "CERTIFICATE"))
        {
            try
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(block.Der.Span));
            }
            catch (CryptographicException)
            {
                // A damaged entry is dropped; the plan re-issues what is missing.
            }
        }

        return certificates;
    }
}
