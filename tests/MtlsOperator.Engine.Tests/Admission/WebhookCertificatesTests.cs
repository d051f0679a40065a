using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MtlsOperator.Engine.Admission;
using TestPki;

namespace MtlsOperator.Engine.Tests.Admission;

public sealed class WebhookCertificatesTests
{
    private static readonly ImmutableArray<string> s_names = ["mtls-operator-webhook.mtls-system.svc", "mtls-operator-webhook.mtls-system.svc.cluster.local"];
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly WebhookCertificateLifetimes s_lifetimes = WebhookCertificateLifetimes.Default;

    private static FreshKeys Fresh()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new FreshKeys(a.ExportPkcs8PrivateKeyPem(), b.ExportPkcs8PrivateKeyPem(), [[0x11, 1], [0x22, 2]]);
    }

    private static WebhookCertificatePlan Plan(IReadOnlyDictionary<string, byte[]>? current, string? installed, DateTimeOffset now, ImmutableArray<string>? names = null) =>
        WebhookCertificates.Plan(current, installed, names ?? s_names, now, Fresh(), s_lifetimes);

    private static X509Certificate2 Serving(WebhookCertificatePlan plan) => X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(plan.SecretData["tls.crt"]));

    private static X509Certificate2[] Cas(WebhookCertificatePlan plan) => PemCertificates(plan.CaBundlePem);

    private static X509Certificate2[] PemCertificates(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    /// <summary>openssl's verdict on the serving certificate against the caBundle, for the service's DNS name, at a moment.</summary>
    private static bool OpensslVerifies(WebhookCertificatePlan plan, DateTimeOffset at)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Directory, "ca.pem"), plan.CaBundlePem);
        File.WriteAllBytes(Path.Combine(dir.Directory, "tls.pem"), plan.SecretData["tls.crt"]);
        try
        {
            OpensslCli.RunText(dir.Directory, "verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "-verify_hostname", s_names[0],
                "-attime", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "tls.pem");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [SkippableFact]
    public void First_start_issues_a_ca_and_a_serving_certificate_that_openssl_verifies_for_the_service_name()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl not installed");

        var plan = Plan(null, null, s_start);

        Assert.True(OpensslVerifies(plan, s_start));
        Assert.Equal(plan.CaBundlePem, Encoding.ASCII.GetString(plan.SecretData["ca.crt"]));
        var serving = Serving(plan);
        Assert.Equal(s_names.ToHashSet(), serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToHashSet());
        using var key = ECDsa.Create();
        key.ImportFromPem(Encoding.ASCII.GetString(plan.SecretData["tls.key"]));
        Assert.Equal(serving.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void An_unchanged_world_plans_the_same_secret_and_bundle()
    {
        var first = Plan(null, null, s_start);

        var again = Plan(first.SecretData, first.CaBundlePem, s_start.AddDays(10));

        Assert.Equal(first.SecretData.Keys, again.SecretData.Keys);
        Assert.All(first.SecretData, kv => Assert.Equal(kv.Value, again.SecretData[kv.Key]));
        Assert.Equal(first.CaBundlePem, again.CaBundlePem);
    }

    [SkippableFact]
    public void A_serving_certificate_near_expiry_is_reissued_by_the_same_ca_before_it_expires()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl not installed");
        var first = Plan(null, null, s_start);
        var due = s_start + s_lifetimes.ServingValidity - s_lifetimes.ServingRenewBefore + TimeSpan.FromHours(1);

        var renewed = Plan(first.SecretData, first.CaBundlePem, due);

        Assert.NotEqual(first.SecretData["tls.crt"], renewed.SecretData["tls.crt"]);
        Assert.Equal(first.CaBundlePem, renewed.CaBundlePem);
        Assert.True(Serving(renewed).NotAfter > Serving(first).NotAfter);
        Assert.True(OpensslVerifies(renewed, due));
        Assert.True(first.NextCheck <= due, "the first plan asked to be checked again by the time renewal was due");
    }

    [SkippableFact]
    public void A_new_ca_joins_the_bundle_first_and_the_serving_certificate_moves_to_it_only_once_the_bundle_is_installed()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl not installed");
        var first = Plan(null, null, s_start);
        var due = s_start + s_lifetimes.CaValidity - s_lifetimes.CaRenewBefore + TimeSpan.FromHours(1);
        var servingBefore = Plan(first.SecretData, first.CaBundlePem, due - TimeSpan.FromDays(60));

        var step1 = Plan(servingBefore.SecretData, servingBefore.CaBundlePem, due);

        var cas = Cas(step1);
        Assert.Equal(2, cas.Length);
        Assert.Equal(Cas(first)[0].RawData, cas[1].RawData);
        Assert.Equal(servingBefore.SecretData["tls.crt"], step1.SecretData["tls.crt"]);
        Assert.True(OpensslVerifies(step1, due), "the old serving certificate still verifies against the bundle with both CAs");

        var step2 = Plan(step1.SecretData, step1.CaBundlePem, due + TimeSpan.FromMinutes(1));

        Assert.Equal(cas[0].SubjectName.Name, Serving(step2).IssuerName.Name);
        Assert.Equal(step1.CaBundlePem, step2.CaBundlePem);
        Assert.True(OpensslVerifies(step2, due));
    }

    [Fact]
    public void An_expired_ca_leaves_the_bundle()
    {
        var first = Plan(null, null, s_start);
        var due = s_start + s_lifetimes.CaValidity - s_lifetimes.CaRenewBefore + TimeSpan.FromHours(1);
        var rotated = Plan(first.SecretData, first.CaBundlePem, due);
        rotated = Plan(rotated.SecretData, rotated.CaBundlePem, due);

        var later = Plan(rotated.SecretData, rotated.CaBundlePem, s_start + s_lifetimes.CaValidity + TimeSpan.FromDays(1));

        Assert.Single(Cas(later));
    }

    [Fact]
    public void A_changed_service_name_gets_a_new_serving_certificate()
    {
        var first = Plan(null, null, s_start);

        var renamed = Plan(first.SecretData, first.CaBundlePem, s_start, ["other.mtls-system.svc"]);

        Assert.Equal(["other.mtls-system.svc"], Serving(renamed).Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public void A_damaged_secret_is_replaced_by_a_working_one()
    {
        var damaged = new Dictionary<string, byte[]> { ["ca.crt"] = "garbage"u8.ToArray(), ["tls.key"] = [0x30, 0x01] };

        var plan = Plan(damaged, null, s_start);

        Assert.Single(Cas(plan));
        Assert.Equal(Cas(plan)[0].SubjectName.Name, Serving(plan).IssuerName.Name);
    }
}
