using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>The self-signed bootstrap path of ServerCertificateEvaluator: generate, reuse, renew, and wait for the controller.</summary>
public sealed class BootstrapCertificateTests
{
    private static readonly ServerCertificateEvaluator s_evaluator = new();

    private static ServerCertificateEvaluation Run(ServerCertificate certificate, DateTimeOffset now, bool allowGeneration, params k8s.Models.V1Secret[] secrets) =>
        s_evaluator.Evaluate(certificate, Context(secrets) with { Now = now, AllowBootstrapGeneration = allowGeneration });

    private static X509Certificate2 CertificateOf(k8s.Models.V1Secret secret) => X509CertificateLoader.LoadCertificate(secret.Data["tls.crt"]);

    [Fact]
    public void First_evaluation_generates_an_owned_tls_secret_and_serves_it()
    {
        var certificate = SelfSigned(["api.example.com", "*.apps.example.com"], uid: "uid-1");

        var result = Run(certificate, Now, allowGeneration: true);

        var secret = result.KeySecret!;
        Assert.Equal("web-bootstrap-tls", secret.Metadata.Name);
        Assert.Equal(Namespace, secret.Metadata.NamespaceProperty);
        Assert.Equal("kubernetes.io/tls", secret.Type);
        Assert.Equal(OutputMetadata.ManagedByValue, secret.Metadata.Labels[OutputMetadata.ManagedByLabel]);
        Assert.Equal(ServerCertificate.KindName, secret.Metadata.Labels[OutputMetadata.OwnerKindLabel]);
        Assert.Equal("3", secret.Metadata.Annotations[OutputMetadata.GenerationAnnotation]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal(("uid-1", true), (owner.Uid, owner.Controller == true));
        Assert.Equal("True", Ready(result).Status);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(secret.Data["tls.crt"]), result.Identity!.ChainPem);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(secret.Data["tls.key"]), result.Identity.KeyPem);
    }

    [Fact]
    public void Generated_certificate_has_the_requested_shape()
    {
        var result = Run(SelfSigned(["api.example.com", "www.example.com"], validityDays: 20), Now, allowGeneration: true);

        var leaf = CertificateOf(result.KeySecret!);
        Assert.Equal("CN=api.example.com", result.Status.Subject);
        Assert.Equal(["api.example.com", "www.example.com"], result.Status.DnsNames);
        Assert.Equal(KeyAlgorithm.EcdsaP256, KeyAlgorithm.Of(leaf));
        Assert.Equal(Now.AddMinutes(-5).UtcDateTime, leaf.NotBefore.ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(Now.AddDays(20).UtcDateTime, leaf.NotAfter.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Self_signed_status_asks_for_a_ca_issued_replacement_and_ready_stays_true()
    {
        var result = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        Assert.True(result.Status.SelfSigned);
        var selfSigned = Condition(result, ServerCertificateConditions.SelfSigned);
        Assert.Equal(("True", ServerCertificateReasons.SelfSignedInUse), (selfSigned.Status, selfSigned.Reason));
        Assert.Contains("Replace it with a CA-issued certificate", selfSigned.Message, StringComparison.Ordinal);
        Assert.Equal("True", Ready(result).Status);
    }

    [Fact]
    public void Without_an_owner_uid_the_secret_has_no_owner_reference() =>
        Assert.Null(Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true).KeySecret!.Metadata.OwnerReferences);

    [Fact]
    public void Existing_fitting_secret_is_reused_without_a_write()
    {
        var certificate = SelfSigned(["api.example.com"]);
        var first = Run(certificate, Now, allowGeneration: true);

        var second = Run(certificate, Now.AddDays(1), allowGeneration: true, first.KeySecret!);

        Assert.Null(second.KeySecret);
        Assert.Equal(first.Identity!.ChainPem, second.Identity!.ChainPem);
        Assert.Equal("True", Ready(second).Status);
    }

    [Fact]
    public void Changed_hostnames_generate_a_new_certificate()
    {
        var first = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        var second = Run(SelfSigned(["api.example.com", "new.example.com"]), Now, allowGeneration: true, first.KeySecret!);

        Assert.Equal(["api.example.com", "new.example.com"], PresentedNames.Of(CertificateOf(second.KeySecret!)).DnsNames.ToArray());
    }

    [Fact]
    public void Changed_key_algorithm_generates_a_new_certificate()
    {
        var first = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        var second = Run(SelfSigned(["api.example.com"], KeyAlgorithm.EcdsaP384), Now, allowGeneration: true, first.KeySecret!);

        Assert.Equal(KeyAlgorithm.EcdsaP384, KeyAlgorithm.Of(CertificateOf(second.KeySecret!)));
    }

    [Fact]
    public void Rsa_2048_is_generated_on_request()
    {
        var result = Run(SelfSigned(["api.example.com"], KeyAlgorithm.Rsa2048), Now, allowGeneration: true);

        Assert.Equal(KeyAlgorithm.Rsa2048, KeyAlgorithm.Of(CertificateOf(result.KeySecret!)));
    }

    [Fact]
    public void Certificate_within_the_expiry_window_is_renewed()
    {
        var first = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        var later = Now.AddDays(61);
        var renewed = Run(SelfSigned(["api.example.com"]), later, allowGeneration: true, first.KeySecret!);

        Assert.NotNull(renewed.KeySecret);
        Assert.Equal(later.AddDays(90).UtcDateTime, CertificateOf(renewed.KeySecret!).NotAfter.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Short_lived_certificate_is_not_regenerated_on_every_reconcile()
    {
        var certificate = SelfSigned(["api.example.com"], validityDays: 9);
        var first = Run(certificate, Now, allowGeneration: true);

        var again = Run(certificate, Now.AddDays(5), allowGeneration: true, first.KeySecret!);
        var due = Run(certificate, Now.AddDays(7), allowGeneration: true, first.KeySecret!);

        Assert.Null(again.KeySecret);
        Assert.NotNull(due.KeySecret);
    }

    [Fact]
    public void Without_permission_to_generate_and_no_secret_it_is_pending()
    {
        var result = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: false);

        var ready = Ready(result);
        Assert.Equal(("False", ServerCertificateReasons.BootstrapPending), (ready.Status, ready.Reason));
        Assert.Contains("web-bootstrap-tls has not been generated yet", ready.Message, StringComparison.Ordinal);
        Assert.Null(result.Identity);
        Assert.Null(result.KeySecret);
    }

    [Fact]
    public void Without_permission_to_generate_a_secret_due_for_renewal_is_still_served()
    {
        var first = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        var result = Run(SelfSigned(["api.example.com"]), Now.AddDays(80), allowGeneration: false, first.KeySecret!);

        Assert.Equal("True", Ready(result).Status);
        Assert.Null(result.KeySecret);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.ExpiringSoon).Status);
    }

    [Fact]
    public void Without_permission_to_generate_a_secret_that_no_longer_fits_is_pending()
    {
        var first = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true);

        var result = Run(SelfSigned(["other.example.com"]), Now, allowGeneration: false, first.KeySecret!);

        Assert.Equal(ServerCertificateReasons.BootstrapPending, Ready(result).Reason);
        Assert.Contains("no longer fits (HostnameMismatch)", Ready(result).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_named_secret_the_operator_does_not_own_is_a_conflict_and_never_overwritten()
    {
        var foreign = TlsSecret("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "x");
        foreign.Metadata.Name = "web-bootstrap-tls";

        var result = Run(SelfSigned(["api.example.com"]), Now, allowGeneration: true, foreign);

        Assert.Equal(("False", ServerCertificateReasons.OutputConflict), (Ready(result).Status, Ready(result).Reason));
        Assert.Null(result.KeySecret);
    }
}
