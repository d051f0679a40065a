using System.Collections.Immutable;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>A client of a generated case: its certificate (with key) and the intermediates it sends.</summary>
public sealed record GeneratedClient(int Index, X509Certificate2 Certificate, ImmutableArray<X509Certificate2> SentIntermediates)
{
    /// <summary>What the client presents, certificate first.</summary>
    public ImmutableArray<X509Certificate2> Presented => [Certificate, .. SentIntermediates];
}

/// <summary>The certificates and CRLs of a <see cref="CasePlan"/>, made with .NET's builders from the run's key pool.</summary>
public sealed class GeneratedPki
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string AnyExtendedKeyUsage = "2.5.29.37.0";
    private static long s_serial = 0x1000;

    private GeneratedPki(ImmutableArray<X509Certificate2> cas, ImmutableArray<GeneratedClient> clients, ImmutableArray<string> crlPems, X509Certificate2 stranger,
        ImmutableHashSet<int> revokedLater)
    {
        _revokedLater = revokedLater;
        Cas = cas;
        Clients = clients;
        CrlPems = crlPems;
        Stranger = stranger;
    }

    private readonly ImmutableHashSet<int> _revokedLater;

    /// <summary>Whether the CRLs given in the bundle revoke client <paramref name="client"/> or a CA above it: in its issuer's
    /// CRL, in a newer CRL of the same second, or in a delta CRL.</summary>
    public bool RevokedByCrls(CasePlan plan, int client)
    {
        bool HasCrl(int ca) => plan.Crls.Any(c => c.Ca == ca);
        var issuer = plan.Clients[client].Issuer;
        if ((plan.Clients[client].Revoked || _revokedLater.Contains(client)) && HasCrl(issuer))
        {
            return true;
        }

        return Ancestors(plan, issuer).Any(ca => plan.Cas[ca].Revoked && plan.Cas[ca].Parent >= 0 && HasCrl(plan.Cas[ca].Parent));
    }

    /// <summary>CA certificates in plan order.</summary>
    public ImmutableArray<X509Certificate2> Cas { get; }

    public ImmutableArray<GeneratedClient> Clients { get; }

    /// <summary>Each CRL as PEM, in the order they go into the bundle's spec.crls.</summary>
    public ImmutableArray<string> CrlPems { get; }

    /// <summary>A client certificate no client presents: the target of pins that must admit nobody.</summary>
    public X509Certificate2 Stranger { get; }

    public static GeneratedPki Create(CasePlan plan, DateTimeOffset now)
    {
        var pool = KeyPool.Instance;
        var offset = plan.Index * 7;
        var caKeys = new List<AsymmetricAlgorithm>();
        var cas = new List<X509Certificate2>();
        for (var i = 0; i < plan.Cas.Length; i++)
        {
            var ca = plan.Cas[i];
            // Every CA of a case gets its own key (two CAs sharing a key would be one issuer to a verifier): when the small
            // pool of a kind runs out, an unused P-256 key stands in.
            var key = pool.Key(ca.Key, offset + i);
            for (var spare = 0; caKeys.Contains(key); spare++)
            {
                key = pool.Key(KeyKind.EcP256, offset + 50 + spare);
            }

            caKeys.Add(key);
            var subject = BuildName(ca.Subject);
            var request = Request(subject, key, ca.Hash);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, ca.PathLength is not null, ca.PathLength ?? 0, true));
            var usage = X509KeyUsageFlags.DigitalSignature | (ca.WithoutKeyCertSign ? 0 : X509KeyUsageFlags.KeyCertSign) | (ca.WithoutCrlSign ? 0 : X509KeyUsageFlags.CrlSign);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
            AddPurpose(request, ca.Purpose);
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            var (notBefore, notAfter) = Window(ca.Validity, now, days: 400);
            X509Certificate2 certificate;
            if (ca.Parent < 0)
            {
                certificate = request.Create(subject, Signer(key), notBefore, notAfter, Serial());
            }
            else
            {
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(cas[ca.Parent], true, false));
                certificate = request.Create(cas[ca.Parent].SubjectName, Signer(caKeys[ca.Parent]), notBefore, notAfter, Serial());
            }

            cas.Add(certificate);
        }

        var clients = new List<GeneratedClient>();
        for (var i = 0; i < plan.Clients.Length; i++)
        {
            var client = plan.Clients[i];
            var key = client.RenewalOf >= 0 ? KeyOf(clients[client.RenewalOf].Certificate) : pool.Key(client.Key, offset + 3 + (i * 5));
            var certificate = IssueClient(client, key, cas[client.Issuer], caKeys[client.Issuer], now);
            var sent = client.SendsIntermediates ? Ancestors(plan, client.Issuer).Where(a => plan.Cas[a].Parent >= 0).Select(a => cas[a]).ToImmutableArray() : [];
            clients.Add(new GeneratedClient(i, certificate, sent));
        }

        var crls = new List<string>();
        var revokedLater = ImmutableHashSet.CreateBuilder<int>();
        foreach (var crl in plan.Crls)
        {
            var revoked = Revoked(plan, crl.Ca, cas, clients).ToList();
            var issuerKey = caKeys[crl.Ca];
            var (thisUpdate, nextUpdate) = crl.Validity switch
            {
                Validity.Expired => (now.AddDays(-10), now.AddDays(-1)),
                Validity.NotYetValid => (now.AddDays(1), now.AddDays(10)),
                _ => (now.AddHours(-1), now.AddDays(7)),
            };
            thisUpdate = new DateTimeOffset(thisUpdate.Ticks - (thisUpdate.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            var later = clients.FirstOrDefault(c => plan.Clients[c.Index].Issuer == crl.Ca && !plan.Clients[c.Index].Revoked);
            var extra = later?.Certificate.SerialNumberBytes.ToArray();
            if (later is not null && (crl.SameSecondTwin || crl.Delta))
            {
                revokedLater.Add(later.Index);
            }

            if (crl.SameSecondTwin)
            {
                // The older of two CRLs issued in one second comes first; the newer (higher number) revokes one more client.
                crls.Add(Crl(cas[crl.Ca], issuerKey, revoked, 10, thisUpdate, nextUpdate, delta: null));
                crls.Add(Crl(cas[crl.Ca], issuerKey, extra is null ? revoked : [.. revoked, extra], 11, thisUpdate, nextUpdate, delta: null));
            }
            else
            {
                crls.Add(Crl(cas[crl.Ca], issuerKey, revoked, 10, thisUpdate, nextUpdate, delta: null));
            }

            if (crl.Delta)
            {
                crls.Add(Crl(cas[crl.Ca], issuerKey, extra is null ? [] : [extra], 12, thisUpdate, nextUpdate, delta: 10));
            }
        }

        var stranger = IssueClient(plan.Clients[0], pool.Key(KeyKind.EcP256, offset + 101), cas[0], caKeys[0], now);
        return new GeneratedPki([.. cas], [.. clients], [.. crls], stranger, revokedLater.ToImmutable());
    }

    /// <summary>The CA indexes from <paramref name="ca"/> up to its root.</summary>
    public static IEnumerable<int> Ancestors(CasePlan plan, int ca)
    {
        for (var i = ca; i >= 0; i = plan.Cas[i].Parent)
        {
            yield return i;
        }
    }

    private static IEnumerable<byte[]> Revoked(CasePlan plan, int ca, List<X509Certificate2> cas, List<GeneratedClient> clients) =>
        plan.Cas.Select((c, i) => (c, i)).Where(x => x.c.Parent == ca && x.c.Revoked).Select(x => cas[x.i].SerialNumberBytes.ToArray())
            .Concat(clients.Where(c => plan.Clients[c.Index].Issuer == ca && plan.Clients[c.Index].Revoked).Select(c => c.Certificate.SerialNumberBytes.ToArray()));

    private static X509Certificate2 IssueClient(ClientPlan client, AsymmetricAlgorithm key, X509Certificate2 issuer, AsymmetricAlgorithm issuerKey, DateTimeOffset now)
    {
        var builder = new X500DistinguishedNameBuilder();
        foreach (var (attribute, value) in client.SubjectRdns)
        {
            switch (attribute)
            {
                case "C":
                    builder.AddCountryOrRegion(value);
                    break;
                case "O":
                    builder.AddOrganizationName(value);
                    break;
                case "OU":
                    builder.AddOrganizationalUnitName(value);
                    break;
                default:
                    builder.AddCommonName(value);
                    break;
            }
        }

        var request = Request(builder.Build(), key, client.Hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var usage = client.WithoutDigitalSignature ? X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement;
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        AddPurpose(request, client.Purpose);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var (notBefore, notAfter) = Window(client.Validity, now, days: 200);
        using var certificate = request.Create(issuer.SubjectName, Signer(issuerKey), notBefore, notAfter, Serial());
        return key switch
        {
            ECDsa ec => certificate.CopyWithPrivateKey(ec),
            RSA rsa => certificate.CopyWithPrivateKey(rsa),
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    private static string Crl(X509Certificate2 issuer, AsymmetricAlgorithm key, List<byte[]> revoked, int number,
        DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, int? delta)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var serial in revoked)
        {
            builder.AddEntry(serial, thisUpdate.AddMinutes(-5), X509RevocationReason.KeyCompromise);
        }

        var akid = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false);
        var der = builder.Build(issuer.SubjectName, Signer(key), new BigInteger(number), nextUpdate, HashAlgorithmName.SHA256, akid, thisUpdate);
        if (delta is { } baseNumber)
        {
            der = DeltaCrl.WithIndicator(der, baseNumber, key);
        }

        return new PemBlock("X509 CRL", der).ToPem();
    }

    private static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key, SignatureHash hash)
    {
        var algorithm = HashOf(hash);
        return key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, algorithm),
            RSA rsa => new CertificateRequest(subject, rsa, algorithm, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    internal static HashAlgorithmName HashOf(SignatureHash hash) => hash switch
    {
        SignatureHash.Sha384 => HashAlgorithmName.SHA384,
        SignatureHash.WeakSha1 => HashAlgorithmName.SHA1,
        _ => HashAlgorithmName.SHA256,
    };

    internal static X509SignatureGenerator Signer(AsymmetricAlgorithm key) => new Sha1CapableSigner(key);

    private static void AddPurpose(CertificateRequest request, KeyPurpose purpose)
    {
        string[] oids = purpose switch
        {
            KeyPurpose.ClientAuth => [ClientAuth],
            KeyPurpose.ServerAuthOnly => [ServerAuth],
            KeyPurpose.AnyExtendedKeyUsageOnly => [AnyExtendedKeyUsage],
            _ => [],
        };
        if (oids.Length > 0)
        {
            var collection = new OidCollection();
            foreach (var oid in oids)
            {
                collection.Add(new Oid(oid));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(collection, false));
        }
    }

    private static (DateTimeOffset, DateTimeOffset) Window(Validity validity, DateTimeOffset now, int days) => validity switch
    {
        Validity.Expired => (now.AddDays(-days), now.AddDays(-1)),
        Validity.NotYetValid => (now.AddDays(1), now.AddDays(days)),
        _ => (now.AddDays(-2), now.AddDays(days)),
    };

    /// <summary>The plan's CA names are simple RFC 4514 text (only <c>\,</c> escaped); built attribute by attribute, most significant first.</summary>
    private static X500DistinguishedName BuildName(string rfc4514)
    {
        var builder = new X500DistinguishedNameBuilder();
        var parts = rfc4514.Replace("\\,", "\u0001", StringComparison.Ordinal).Split(',').Reverse();
        foreach (var part in parts)
        {
            var (type, value) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..].Replace("\u0001", ",", StringComparison.Ordinal));
            switch (type)
            {
                case "O":
                    builder.AddOrganizationName(value);
                    break;
                case "OU":
                    builder.AddOrganizationalUnitName(value);
                    break;
                default:
                    builder.AddCommonName(value);
                    break;
            }
        }

        return builder.Build();
    }

    private static AsymmetricAlgorithm KeyOf(X509Certificate2 certificate) =>
        (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("no key");

    private static byte[] Serial()
    {
        var serial = Interlocked.Increment(ref s_serial);
        var bytes = BitConverter.GetBytes(serial);
        Array.Reverse(bytes);
        return [0x42, .. bytes];
    }
}
