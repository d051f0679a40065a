using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki.Keys;
using MtlsOperator.Engine.SigningRequests;
using TestPki;
using static MtlsOperator.Engine.Tests.SigningRequests.CsrFlow;

namespace MtlsOperator.Engine.Tests.SigningRequests;

/// <summary>The CSR flow end to end in the engine: key and request generated once, the certificate a CA made with the openssl CLI
/// signed checked and served, every mismatch refused with its reason, renewal with the next key while the current one serves.</summary>
public sealed class CsrFlowTests : IDisposable
{
    private readonly OpensslCsrSigner _ca;

    public CsrFlowTests()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        _ca = new OpensslCsrSigner();
    }

    public void Dispose() => _ca.Dispose();

    /// <summary>First reconcile: the key Secret is written, the request is in status; returns both.</summary>
    private static (ServerCertificateEvaluation Result, k8s.Models.V1Secret Keys) Start(ServerCertificate certificate)
    {
        var first = Evaluate(certificate, Now, allowGeneration: true);
        return (first, first.KeySecret!);
    }

    [SkippableFact]
    public void First_evaluation_generates_the_key_into_an_owned_secret_and_awaits_the_signed_certificate()
    {
        var (result, keys) = Start(Certificate());

        Assert.Equal(Name + "-csr-key", keys.Metadata.Name);
        Assert.Equal("uid-payments", Assert.Single(keys.Metadata.OwnerReferences).Uid);
        Assert.Equal(["next.csr", "next.key", "tls.csr", "tls.key"], keys.Data.Keys.Order(StringComparer.Ordinal));
        var ready = Ready(result);
        Assert.Equal(("False", ServerCertificateReasons.AwaitingSignedCertificate), (ready.Status, ready.Reason));
        Assert.Contains("status.csr.request", ready.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl create secret generic payments-api-signed", ready.Message, StringComparison.Ordinal);
        Assert.Equal("True", Condition(result, ConditionTypes.Reconciling).Status);
        Assert.Equal(Text(keys, "tls.csr"), result.Status.Csr!.Request);
        Assert.Equal((KeyAlgorithm.EcdsaP256, keys.Metadata.Name), (result.Status.Csr.KeyAlgorithm, result.Status.Csr.KeySecretName));
        Assert.Null(result.Identity);
    }

    [SkippableFact]
    public void The_private_key_appears_only_in_the_key_secret()
    {
        var (result, keys) = Start(Certificate());
        var status = k8s.KubernetesJson.Serialize(result.Status);

        Assert.DoesNotContain("PRIVATE KEY", status, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", k8s.KubernetesJson.Serialize(result.PinsConfigMap), StringComparison.Ordinal);
        Assert.Contains("PRIVATE KEY", Text(keys, "tls.key"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Openssl_reads_the_request_with_the_subject_email_and_every_hostname_and_its_signature_verifies()
    {
        var (result, _) = Start(Certificate());
        using var dir = new TempDirectory();
        dir.Write("req.csr", result.Status.Csr!.Request!);

        var text = OpensslCli.RunText(dir.Directory, "req", "-in", "req.csr", "-noout", "-text", "-verify", "-nameopt", "RFC2253");

        Assert.Contains("Subject: emailAddress=pki-team@example.com,CN=payments.example.com,OU=Payments,O=Example Corp,C=US", text, StringComparison.Ordinal);
        Assert.Contains("DNS:payments.example.com, DNS:api.payments.example.com", text, StringComparison.Ordinal);
        Assert.Contains("TLS Web Server Authentication", text, StringComparison.Ordinal);
        Assert.Contains("Digital Signature", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Reconciling_again_writes_nothing_and_the_request_and_pins_stay_the_same()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);

        var again = Evaluate(certificate, Now.AddMinutes(5), allowGeneration: true, keys);
        var afterRestart = Evaluate(certificate, Now.AddHours(1), allowGeneration: true, keys, first.PinsConfigMap);

        Assert.Null(again.KeySecret);
        Assert.Null(afterRestart.KeySecret);
        Assert.Equal(first.Status.Csr!.Request, again.Status.Csr!.Request);
        Assert.Equal(first.Status.Csr.Request, afterRestart.Status.Csr!.Request);
        Assert.Equal(first.Status.Pins.Select(p => p.SpkiSha256), afterRestart.Status.Pins.Select(p => p.SpkiSha256));
        Assert.Equal(k8s.KubernetesJson.Serialize(first.PinsConfigMap!.Data), k8s.KubernetesJson.Serialize(afterRestart.PinsConfigMap!.Data));
    }

    [SkippableFact]
    public void A_certificate_the_openssl_ca_signed_from_the_request_is_served_with_its_chain_and_the_generated_key()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var signed = Signed(_ca.WithChain(_ca.Sign(first.Status.Csr!.Request!)));

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, signed);

        Assert.Equal(("True", ServerCertificateReasons.Valid), (Ready(result).Status, Ready(result).Reason));
        Assert.Null(result.KeySecret);
        Assert.Equal(Text(keys, "tls.key"), result.Identity!.KeyPem);
        var served = X509Certificate2Collection();
        served.ImportFromPem(result.Identity.ChainPem);
        Assert.Equal(2, served.Count);
        Assert.Equal("CN=Example Corp Issuing CA,O=Example Corp,C=US", served[1].Subject.Replace(", ", ",", StringComparison.Ordinal));
        Assert.Equal(["payments.example.com", "api.payments.example.com"], result.Status.DnsNames);
        Assert.Equal("False", Condition(result, ServerCertificateConditions.RenewalPending).Status);
    }

    [SkippableFact]
    public void The_chain_may_come_separately()
    {
        var certificate = Certificate(configure: c => c.Chain = new DataSource { Inline = _ca.IssuingPem + _ca.RootPem });
        var (first, keys) = Start(certificate);

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(_ca.Sign(first.Status.Csr!.Request!)));

        Assert.Equal("True", Ready(result).Status);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.ChainComplete).Status);
    }

    [SkippableFact]
    public void A_certificate_for_another_key_is_refused_as_signed_for_another_key()
    {
        var certificate = Certificate();
        var (_, keys) = Start(certificate);
        var stranger = PrivateKey.Generate(KeyAlgorithm.EcdsaP256);
        var otherRequest = SigningRequestPem.Build(stranger, SigningRequestContent.From(certificate.Spec));

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(_ca.Sign(otherRequest)));

        Assert.Equal(("False", ServerCertificateReasons.SignedForAnotherKey), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains(stranger.SpkiSha256, Ready(result).Message, StringComparison.Ordinal);
        Assert.Equal("True", Condition(result, ConditionTypes.Stalled).Status);
        Assert.Null(result.Identity);
    }

    [SkippableFact]
    public void A_certificate_missing_a_requested_hostname_is_refused_as_hostname_mismatch()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var leaf = _ca.SignWithExtensions(first.Status.Csr!.Request!,
            "subjectAltName=DNS:payments.example.com\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth");

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(leaf));

        Assert.Equal(("False", ServerCertificateReasons.HostnameMismatch), (Ready(result).Status, Ready(result).Reason));
        Assert.Contains("api.payments.example.com", Ready(result).Message, StringComparison.Ordinal);
        Assert.Contains("status.csr.request", Ready(result).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_certificate_for_client_auth_only_is_refused_as_missing_server_auth()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var leaf = _ca.SignWithExtensions(first.Status.Csr!.Request!,
            "subjectAltName=DNS:payments.example.com,DNS:api.payments.example.com\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth");

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(leaf));

        Assert.Equal(ServerCertificateReasons.MissingServerAuth, Ready(result).Reason);
    }

    [SkippableFact]
    public void A_certificate_without_digital_signature_is_refused()
    {
        var certificate = Certificate(configure: c => c.KeyAlgorithm = KeyAlgorithm.Rsa2048);
        var (first, keys) = Start(certificate);
        var leaf = _ca.SignWithExtensions(first.Status.Csr!.Request!,
            "subjectAltName=DNS:payments.example.com,DNS:api.payments.example.com\nkeyUsage=critical,keyEncipherment\nextendedKeyUsage=serverAuth");

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(leaf));

        Assert.Equal(ServerCertificateReasons.MissingDigitalSignature, Ready(result).Reason);
    }

    [SkippableFact]
    public void An_expired_certificate_is_refused_as_expired()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var signed = Signed(_ca.Sign(first.Status.Csr!.Request!, days: 1));

        var result = Evaluate(certificate, Now.AddDays(2), allowGeneration: true, keys, signed);

        Assert.Equal(ServerCertificateReasons.Expired, Ready(result).Reason);
    }

    [SkippableFact]
    public void A_requested_ip_address_the_ca_left_out_is_refused_as_subject_alt_name_missing()
    {
        var certificate = Certificate(configure: c => (c.IpAddresses, c.EmailAddresses) = (["192.0.2.10"], ["ops@example.com"]));
        var (first, keys) = Start(certificate);
        var honoured = _ca.Sign(first.Status.Csr!.Request!);
        var trimmed = _ca.SignWithExtensions(first.Status.Csr.Request!,
            "subjectAltName=DNS:payments.example.com,DNS:api.payments.example.com\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth");

        var good = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(honoured));
        var bad = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(trimmed));

        Assert.Equal("True", Ready(good).Status);
        Assert.Equal(ServerCertificateReasons.SubjectAltNameMissing, Ready(bad).Reason);
        Assert.Contains("IP:192.0.2.10", Ready(bad).Message, StringComparison.Ordinal);
        Assert.Contains("email:ops@example.com", Ready(bad).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Not_a_certificate_is_refused_as_invalid_certificate()
    {
        var certificate = Certificate();
        var (_, keys) = Start(certificate);

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));

        Assert.Equal(ServerCertificateReasons.InvalidCertificate, Ready(result).Reason);
    }

    [SkippableFact]
    public void Single_dns_name_requests_one_name_as_common_name_and_only_san()
    {
        var certificate = Certificate(["portal.example.com"], c => (c.SingleDnsName, c.Subject) = (true, null));
        var (result, _) = Start(certificate);
        using var dir = new TempDirectory();
        dir.Write("req.csr", result.Status.Csr!.Request!);

        var text = OpensslCli.RunText(dir.Directory, "req", "-in", "req.csr", "-noout", "-text", "-nameopt", "RFC2253");

        Assert.Contains("Subject: CN=portal.example.com", text, StringComparison.Ordinal);
        Assert.Contains("DNS:portal.example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("DNS:portal.example.com, ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_dns_name_with_two_hostnames_is_an_invalid_spec()
    {
        var result = Evaluate(Certificate(configure: c => c.SingleDnsName = true), Now, allowGeneration: true);

        Assert.Equal(ServerCertificateReasons.InvalidSpec, Ready(result).Reason);
        Assert.Contains("singleDnsName", Ready(result).Message, StringComparison.Ordinal);
        Assert.Null(result.KeySecret);
    }

    [Theory]
    [InlineData("RSA-1024")]
    [InlineData("ecdsa-p256")]
    public void An_unknown_key_algorithm_is_an_invalid_spec(string algorithm)
    {
        var result = Evaluate(Certificate(configure: c => c.KeyAlgorithm = algorithm), Now, allowGeneration: true);

        Assert.Equal(ServerCertificateReasons.InvalidSpec, Ready(result).Reason);
    }

    [SkippableTheory]
    [InlineData(KeyAlgorithm.EcdsaP384)]
    [InlineData(KeyAlgorithm.Rsa2048)]
    [InlineData(KeyAlgorithm.Rsa3072)]
    public void The_key_has_the_requested_algorithm_and_its_certificate_is_served(string algorithm)
    {
        var certificate = Certificate(configure: c => c.KeyAlgorithm = algorithm);
        var (first, keys) = Start(certificate);

        var result = Evaluate(certificate, Now, allowGeneration: true, keys, Signed(_ca.Sign(first.Status.Csr!.Request!)));

        Assert.Equal(algorithm, PrivateKey.Read(keys.Data["tls.key"])!.Algorithm);
        Assert.Equal("True", Ready(result).Status);
        Assert.Equal(algorithm, KeyAlgorithm.Of(LeafOf(result)));
    }

    [SkippableFact]
    public void A_secret_the_operator_does_not_own_under_the_key_name_is_a_conflict_and_nothing_is_written()
    {
        var certificate = Certificate();
        var foreign = new k8s.Models.V1Secret { Metadata = new k8s.Models.V1ObjectMeta { Name = Name + "-csr-key", NamespaceProperty = Namespace }, Data = new Dictionary<string, byte[]>() };

        var result = Evaluate(certificate, Now, allowGeneration: true, foreign);

        Assert.Equal(ServerCertificateReasons.OutputConflict, Ready(result).Reason);
        Assert.Null(result.KeySecret);
        Assert.Null(result.Status.Csr);
    }

    [Fact]
    public void A_listener_reading_it_before_its_first_reconcile_sees_key_pending_and_generates_nothing()
    {
        var result = Evaluate(Certificate(), Now, allowGeneration: false);

        Assert.Equal(ServerCertificateReasons.KeyPending, Ready(result).Reason);
        Assert.Null(result.KeySecret);
    }

    [SkippableFact]
    public void Renewal_starts_in_the_warning_window_with_the_next_key_while_the_current_certificate_keeps_serving()
    {
        var certificate = Certificate(expiryWarningDays: 10);
        var (first, keys) = Start(certificate);
        var current = Signed(_ca.Sign(first.Status.Csr!.Request!, days: 30));
        var nextPin = first.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Next).SpkiSha256;

        var before = Evaluate(certificate, Now.AddDays(19), allowGeneration: true, keys, current);
        var due = Evaluate(certificate, Now.AddDays(21), allowGeneration: true, keys, current);

        Assert.Null(before.Status.Csr!.Renewal);
        Assert.Equal("True", Ready(due).Status);
        Assert.Null(due.KeySecret);
        Assert.Equal(Text(keys, "tls.key"), due.Identity!.KeyPem);
        var renewal = due.Status.Csr!.Renewal!;
        Assert.Equal(Text(keys, "next.csr"), renewal.Request);
        Assert.Equal(nextPin, SpkiPinOfRequest(renewal.Request));
        var pending = Condition(due, ServerCertificateConditions.RenewalPending);
        Assert.Equal(("True", ServerCertificateReasons.RenewalRequested), (pending.Status, pending.Reason));
    }

    [SkippableFact]
    public void The_certificate_for_the_next_key_rotates_the_keys_and_the_old_next_pin_becomes_current()
    {
        var certificate = Certificate(expiryWarningDays: 10);
        var (first, keys) = Start(certificate);
        var due = Evaluate(certificate, Now.AddDays(21), allowGeneration: true, keys, Signed(_ca.Sign(first.Status.Csr!.Request!, days: 30)));
        var renewed = Signed(_ca.WithChain(_ca.Sign(due.Status.Csr!.Renewal!.Request, days: 90)));

        var rotated = Evaluate(certificate, Now.AddDays(22), allowGeneration: true, keys, renewed);
        var rotatedKeys = rotated.KeySecret!;
        var settled = Evaluate(certificate, Now.AddDays(23), allowGeneration: true, rotatedKeys, renewed);

        Assert.Equal("True", Ready(rotated).Status);
        Assert.Equal(Text(keys, "next.key"), rotated.Identity!.KeyPem);
        Assert.Equal(Text(keys, "next.key"), Text(rotatedKeys, "tls.key"));
        Assert.Equal(Text(keys, "next.csr"), Text(rotatedKeys, "tls.csr"));
        Assert.NotEqual(Text(keys, "next.key"), Text(rotatedKeys, "next.key"));
        Assert.NotEqual(Text(keys, "tls.key"), Text(rotatedKeys, "next.key"));
        Assert.Equal(first.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Next).SpkiSha256,
            rotated.Status.Pins.Single(p => p.Role == ServerKeyPinRoles.Current).SpkiSha256);
        Assert.Null(rotated.Status.Csr!.Renewal);
        Assert.Null(settled.KeySecret);
        Assert.Equal("True", Ready(settled).Status);
    }

    [SkippableFact]
    public void A_bad_renewal_certificate_is_refused_and_the_keys_do_not_rotate()
    {
        var certificate = Certificate(expiryWarningDays: 10);
        var (first, keys) = Start(certificate);
        var due = Evaluate(certificate, Now.AddDays(21), allowGeneration: true, keys, Signed(_ca.Sign(first.Status.Csr!.Request!, days: 30)));
        var wrongUsage = _ca.SignWithExtensions(due.Status.Csr!.Renewal!.Request, "subjectAltName=DNS:payments.example.com,DNS:api.payments.example.com\nextendedKeyUsage=clientAuth");

        var result = Evaluate(certificate, Now.AddDays(22), allowGeneration: true, keys, Signed(wrongUsage));

        Assert.Equal(ServerCertificateReasons.MissingServerAuth, Ready(result).Reason);
        Assert.Null(result.KeySecret);
    }

    [SkippableFact]
    public void Changing_the_key_algorithm_while_a_certificate_serves_asks_for_a_renewal_with_a_key_of_the_new_algorithm()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var signed = Signed(_ca.Sign(first.Status.Csr!.Request!));
        var changed = Certificate(configure: c => c.KeyAlgorithm = KeyAlgorithm.Rsa2048);

        var result = Evaluate(changed, Now, allowGeneration: true, keys, signed);

        Assert.Equal("True", Ready(result).Status);
        Assert.Equal(Text(keys, "tls.key"), Text(result.KeySecret!, "tls.key"));
        Assert.Equal(KeyAlgorithm.Rsa2048, PrivateKey.Read(result.KeySecret!.Data["next.key"])!.Algorithm);
        Assert.NotNull(result.Status.Csr!.Renewal);
    }

    [SkippableFact]
    public void Changing_the_hostnames_keeps_the_key_and_asks_for_a_new_request_to_be_signed()
    {
        var certificate = Certificate();
        var (first, keys) = Start(certificate);
        var signed = Signed(_ca.Sign(first.Status.Csr!.Request!));
        var changed = Certificate(["payments.example.com", "api.payments.example.com", "new.payments.example.com"]);

        var result = Evaluate(changed, Now, allowGeneration: true, keys, signed);

        Assert.Equal(ServerCertificateReasons.HostnameMismatch, Ready(result).Reason);
        Assert.Equal(Text(keys, "tls.key"), Text(result.KeySecret!, "tls.key"));
        Assert.NotEqual(first.Status.Csr.Request, result.Status.Csr!.Request);
        Assert.Contains("new.payments.example.com", OpensslRequestText(result.Status.Csr.Request!), StringComparison.Ordinal);
    }

    private static string OpensslRequestText(string pem)
    {
        using var dir = new TempDirectory();
        dir.Write("req.csr", pem);
        return OpensslCli.RunText(dir.Directory, "req", "-in", "req.csr", "-noout", "-text");
    }

    private static string SpkiPinOfRequest(string pem)
    {
        var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256);
        return Convert.ToBase64String(SHA256.HashData(request.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    private static X509Certificate2Collection X509Certificate2Collection() => [];
}
