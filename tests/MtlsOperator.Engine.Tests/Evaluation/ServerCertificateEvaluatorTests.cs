using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Pki.Keys;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.ServerCertificates;

namespace MtlsOperator.Engine.Tests.Evaluation;

public sealed class ServerCertificateEvaluatorTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Corp Root,O=Corp");
    private static readonly TestCertificateAuthority s_intermediate = s_root.CreateIntermediate("CN=Corp Issuing CA,O=Corp");

    private static X509Certificate2 Leaf(params string[] names) => s_intermediate.IssueServer(names);

    private static X509Certificate2 Leaf(LeafOptions options) => s_intermediate.IssueServer(options);

    private static void AssertNotReady(ServerCertificateEvaluation result, string reason, params string[] messageParts)
    {
        var ready = Ready(result);
        Assert.Equal("False", ready.Status);
        Assert.Equal(reason, ready.Reason);
        foreach (var part in messageParts)
        {
            Assert.Contains(part, ready.Message, StringComparison.Ordinal);
        }

        Assert.Null(result.Identity);
        Assert.Null(result.KeySecret);
    }

    [Fact]
    public void Valid_secret_is_ready_and_serves_leaf_then_intermediate_without_the_root()
    {
        var leaf = Leaf("api.example.com");
        var secret = TlsSecret(PemExport.Certificates([leaf, s_intermediate.Certificate]), PemExport.PrivateKey(leaf), PemExport.Certificate(s_root.Certificate));

        var result = Evaluate(FromSecret("api.example.com"), secret);

        Assert.Equal(("True", ServerCertificateReasons.Valid), (Ready(result).Status, Ready(result).Reason));
        Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
        Assert.Equal(PemExport.PrivateKey(leaf), result.Identity.KeyPem);
        Assert.Equal(["api.example.com"], result.Identity.Hostnames.ToArray());
        Assert.Equal(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()), result.Identity.NotAfter);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.ChainComplete).Status);
        Assert.Equal("False", Condition(result, ServerCertificateConditions.SelfSigned).Status);
        Assert.Null(result.KeySecret);
    }

    [Fact]
    public void Status_describes_the_leaf_as_a_person_checks_it()
    {
        var leaf = Leaf("api.example.com", "www.example.com");

        var status = Evaluate(FromSecret("api.example.com"), TlsSecret(leaf, s_intermediate.Certificate)).Status;

        var fingerprints = CertificateFingerprints.Of(leaf);
        Assert.Equal("CN=api.example.com", status.Subject);
        Assert.Equal("CN=Corp Issuing CA,O=Corp", status.Issuer);
        Assert.Equal(["api.example.com", "www.example.com"], status.DnsNames);
        Assert.Equal(leaf.SerialNumber, status.SerialNumber);
        Assert.Matches("^[0-9A-F]+$", status.SerialNumber);
        Assert.Equal(leaf.NotBefore.ToUniversalTime(), status.NotBefore);
        Assert.Equal(leaf.NotAfter.ToUniversalTime(), status.NotAfter);
        Assert.Equal(CertificateFingerprints.WithColons(fingerprints.Sha1), status.Sha1Thumbprint);
        Assert.Equal(CertificateFingerprints.WithColons(fingerprints.Sha256), status.Sha256Thumbprint);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", status.Sha256Thumbprint);
        Assert.False(status.SelfSigned);
        Assert.Equal(["CN=api.example.com", "CN=Corp Issuing CA,O=Corp"], status.Chain);
        Assert.Equal(Generation, status.ObservedGeneration);
        Assert.All(status.Conditions, c => Assert.Equal(Generation, c.ObservedGeneration));
    }

    [Fact]
    public void Both_secret_ref_and_self_signed_is_an_invalid_spec()
    {
        var certificate = FromSecret("api.example.com");
        certificate.Spec.SelfSigned = new SelfSignedSpec();

        AssertNotReady(Evaluate(certificate), ServerCertificateReasons.InvalidSpec, "exactly one of spec.secretRef");
    }

    [Fact]
    public void Neither_secret_ref_nor_self_signed_is_an_invalid_spec()
    {
        var certificate = FromSecret("api.example.com");
        certificate.Spec.SecretRef = null;

        AssertNotReady(Evaluate(certificate), ServerCertificateReasons.InvalidSpec, "exactly one of spec.secretRef");
    }

    [Fact]
    public void Empty_hostnames_is_an_invalid_spec() =>
        AssertNotReady(Evaluate(FromSecret()), ServerCertificateReasons.InvalidSpec, "spec.hostnames is empty");

    [Fact]
    public void Invalid_hostname_is_named_with_its_index() =>
        AssertNotReady(Evaluate(FromSecret("ok.example.com", "a.*.example.com")), ServerCertificateReasons.InvalidSpec,
            "spec.hostnames[1] \"a.*.example.com\"", "left-most label");

    [Fact]
    public void Hostname_listed_twice_is_an_invalid_spec() =>
        AssertNotReady(Evaluate(FromSecret("a.example.com", "A.example.com")), ServerCertificateReasons.InvalidSpec, "more than once");

    [Fact]
    public void Secret_in_another_namespace_is_refused_even_when_it_exists()
    {
        var leaf = Leaf("api.example.com");
        var foreign = TlsSecret(leaf);
        foreign.Metadata.NamespaceProperty = "team-b";
        var certificate = FromSecret("api.example.com");
        certificate.Spec.SecretRef!.Namespace = "team-b";

        AssertNotReady(Evaluate(certificate, foreign), ServerCertificateReasons.CrossNamespaceReference, "team-b", Namespace);
    }

    [Fact]
    public void Missing_secret_is_reported_with_how_to_create_it() =>
        AssertNotReady(Evaluate(FromSecret("api.example.com")), ServerCertificateReasons.SecretNotFound, $"{Namespace}/{SecretName}", "kubectl create secret tls");

    [Fact]
    public void Secret_without_tls_key_is_incomplete()
    {
        var secret = TlsSecret(Leaf("api.example.com"));
        secret.Data.Remove("tls.key");

        AssertNotReady(Evaluate(FromSecret("api.example.com"), secret), ServerCertificateReasons.SecretIncomplete, "has no tls.key");
    }

    [Fact]
    public void Secret_of_another_type_is_refused()
    {
        var leaf = Leaf("api.example.com");

        AssertNotReady(Evaluate(FromSecret("api.example.com"), TlsSecret(PemExport.Certificate(leaf), PemExport.PrivateKey(leaf), type: "kubernetes.io/basic-auth")),
            ServerCertificateReasons.UnsupportedSecretType, "kubernetes.io/basic-auth");
    }

    [Fact]
    public void Opaque_secret_with_string_data_is_read()
    {
        var leaf = Leaf("api.example.com");
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = Namespace },
            Type = "Opaque",
            StringData = new Dictionary<string, string> { ["tls.crt"] = PemExport.Certificate(leaf), ["tls.key"] = PemExport.PrivateKey(leaf) },
        };

        Assert.Equal("True", Ready(Evaluate(FromSecret("api.example.com"), secret)).Status);
    }

    [Fact]
    public void Uncovered_hostnames_are_named()
    {
        var leaf = Leaf("api.example.com");

        AssertNotReady(Evaluate(FromSecret("api.example.com", "www.example.com", "example.com"), TlsSecret(leaf)),
            ServerCertificateReasons.HostnameMismatch, "does not cover www.example.com, example.com", "only api.example.com");
    }

    [Fact]
    public void Wildcard_certificate_covers_tenants_but_not_the_apex()
    {
        var leaf = Leaf("*.tenants.example.com");
        var secret = TlsSecret(leaf);

        Assert.Equal("True", Ready(Evaluate(FromSecret("a.tenants.example.com", "B.Tenants.example.com"), secret)).Status);
        AssertNotReady(Evaluate(FromSecret("tenants.example.com"), secret), ServerCertificateReasons.HostnameMismatch, "tenants.example.com");
        AssertNotReady(Evaluate(FromSecret("x.y.tenants.example.com"), secret), ServerCertificateReasons.HostnameMismatch, "x.y.tenants.example.com");
    }

    [Fact]
    public void Declared_wildcard_needs_the_identical_wildcard_san()
    {
        Assert.Equal("True", Ready(Evaluate(FromSecret("*.tenants.example.com"), TlsSecret(Leaf("*.tenants.example.com")))).Status);
        AssertNotReady(Evaluate(FromSecret("*.tenants.example.com"), TlsSecret(Leaf("a.tenants.example.com"))), ServerCertificateReasons.HostnameMismatch);
    }

    [Fact]
    public void Common_name_counts_only_when_there_is_no_san_extension()
    {
        var cnOnly = s_intermediate.Issue("CN=legacy.example.com", new LeafOptions(), TestCertificateAuthority.ServerAuthOid);
        var withUriSan = s_intermediate.Issue("CN=legacy.example.com", new LeafOptions { Uris = [new Uri("spiffe://corp/legacy")] }, TestCertificateAuthority.ServerAuthOid);

        Assert.Equal("True", Ready(Evaluate(FromSecret("legacy.example.com"), TlsSecret(cnOnly))).Status);
        AssertNotReady(Evaluate(FromSecret("legacy.example.com"), TlsSecret(withUriSan)), ServerCertificateReasons.HostnameMismatch, "no DNS names");
    }

    [Fact]
    public void Key_usage_without_digital_signature_is_refused()
    {
        var leaf = Leaf(new LeafOptions { DnsNames = ["api.example.com"], KeyUsage = X509KeyUsageFlags.NonRepudiation });

        AssertNotReady(Evaluate(FromSecret("api.example.com"), TlsSecret(leaf)), ServerCertificateReasons.MissingDigitalSignature, "digitalSignature");
    }

    [Fact]
    public void Client_only_extended_key_usage_is_refused()
    {
        var leaf = Leaf(new LeafOptions { DnsNames = ["api.example.com"], ExtendedKeyUsages = [TestCertificateAuthority.ClientAuthOid] });

        AssertNotReady(Evaluate(FromSecret("api.example.com"), TlsSecret(leaf)), ServerCertificateReasons.MissingServerAuth, "serverAuth");
    }

    [Fact]
    public void Certificate_without_usage_extensions_is_accepted()
    {
        var leaf = Leaf(new LeafOptions { DnsNames = ["api.example.com"], ExtendedKeyUsages = [] });

        Assert.Equal("True", Ready(Evaluate(FromSecret("api.example.com"), TlsSecret(leaf))).Status);
    }

    [Fact]
    public void Key_of_another_certificate_is_a_key_mismatch_and_still_describes_the_certificate()
    {
        var leaf = Leaf("api.example.com");
        var other = Leaf("api.example.com");

        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(PemExport.Certificate(leaf), PemExport.PrivateKey(other)));

        AssertNotReady(result, ServerCertificateReasons.KeyMismatch, "does not belong to the certificate CN=api.example.com");
        Assert.Equal(leaf.SerialNumber, result.Status.SerialNumber);
    }

    [Fact]
    public void Encrypted_key_is_refused_clearly()
    {
        var leaf = Leaf("api.example.com");

        AssertNotReady(Evaluate(FromSecret("api.example.com"), TlsSecret(PemExport.Certificate(leaf), PemExport.EncryptedPrivateKey(leaf, "pw"))),
            ServerCertificateReasons.EncryptedPrivateKey, "encrypted", "openssl pkey");
    }

    [Fact]
    public void Pkcs1_and_sec1_keys_are_accepted_and_served_as_given()
    {
        var rsa = Leaf(new LeafOptions { Key = TestKeyKind.Rsa2048, DnsNames = ["api.example.com"] });
        var ec = Leaf("api.example.com");

        var rsaResult = Evaluate(FromSecret("api.example.com"), TlsSecret(PemExport.Certificate(rsa), PemExport.RsaPrivateKey(rsa)));
        var ecResult = Evaluate(FromSecret("api.example.com"), TlsSecret(PemExport.Certificate(ec), PemExport.EcPrivateKey(ec)));

        Assert.Equal(PemExport.RsaPrivateKey(rsa), rsaResult.Identity!.KeyPem);
        Assert.Equal(PemExport.EcPrivateKey(ec), ecResult.Identity!.KeyPem);
    }

    [Fact]
    public void Certificate_not_yet_valid_is_refused()
    {
        var leaf = Leaf(new LeafOptions { DnsNames = ["api.example.com"], NotBefore = Now.AddDays(2), NotAfter = Now.AddDays(90) });

        AssertNotReady(Evaluate(FromSecret("api.example.com"), TlsSecret(leaf)), ServerCertificateReasons.NotYetValid, "not valid before");
    }

    [Fact]
    public void Expired_certificate_is_refused()
    {
        var leaf = Leaf("api.example.com");

        var result = EvaluateAt(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).AddSeconds(1), FromSecret("api.example.com"), TlsSecret(leaf));

        AssertNotReady(result, ServerCertificateReasons.Expired, "expired at");
        Assert.Equal(ServerCertificateReasons.Expired, Condition(result, ServerCertificateConditions.ExpiringSoon).Reason);
    }

    [Fact]
    public void Certificate_within_the_default_warning_window_is_expiring_soon_but_ready()
    {
        var leaf = Leaf("api.example.com");
        var now = new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).AddDays(-29);

        var result = EvaluateAt(now, FromSecret("api.example.com"), TlsSecret(leaf));

        Assert.Equal("True", Ready(result).Status);
        var expiring = Condition(result, ServerCertificateConditions.ExpiringSoon);
        Assert.Equal(("True", ServerCertificateReasons.ExpiringSoon), (expiring.Status, expiring.Reason));
        Assert.Contains("in 29 days, within the warning window of 30 days", expiring.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_outside_a_custom_warning_window_is_not_expiring_soon()
    {
        var leaf = Leaf("api.example.com");
        var certificate = FromSecret("api.example.com");
        certificate.Spec.ExpiryWarningDays = 7;

        var result = EvaluateAt(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).AddDays(-8), certificate, TlsSecret(leaf));

        Assert.Equal("False", Condition(result, ServerCertificateConditions.ExpiringSoon).Status);
    }

    [Fact]
    public void Missing_intermediate_is_a_warning_naming_the_issuer_and_ready_stays_true()
    {
        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(Leaf("api.example.com")));

        Assert.Equal("True", Ready(result).Status);
        var chain = Condition(result, ServerCertificateConditions.ChainComplete);
        Assert.Equal(("False", ServerCertificateReasons.ChainIncomplete), (chain.Status, chain.Reason));
        Assert.Contains("CN=Corp Issuing CA", chain.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_order_tls_crt_is_served_leaf_first_in_issuing_order()
    {
        var leaf = Leaf("api.example.com");
        var crt = PemExport.Certificates([s_root.Certificate, s_intermediate.Certificate, leaf]);

        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(crt, PemExport.PrivateKey(leaf)));

        Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.ChainComplete).Status);
        Assert.DoesNotContain(result.Status.Conditions, c => c.Type == ServerCertificateConditions.UnusedCertificates);
    }

    [Fact]
    public void Intermediate_found_only_in_ca_crt_is_served_after_the_leaf()
    {
        var leaf = Leaf("api.example.com");
        var secret = TlsSecret(PemExport.Certificate(leaf), PemExport.PrivateKey(leaf), PemExport.Certificates([s_root.Certificate, s_intermediate.Certificate]));

        var result = Evaluate(FromSecret("api.example.com"), secret);

        Assert.Equal(PemExport.Certificates([leaf, s_intermediate.Certificate]), result.Identity!.ChainPem);
    }

    [Fact]
    public void Every_problem_is_listed_and_the_most_fundamental_is_the_reason()
    {
        var leaf = Leaf(new LeafOptions { DnsNames = ["api.example.com"], ExtendedKeyUsages = [TestCertificateAuthority.ClientAuthOid] });

        var result = EvaluateAt(new DateTimeOffset(leaf.NotAfter.ToUniversalTime()).AddDays(1), FromSecret("www.example.com"), TlsSecret(leaf));

        AssertNotReady(result, ServerCertificateReasons.Expired, "expired at", "does not cover www.example.com", "without serverAuth");
    }

    [Fact]
    public void Strangers_and_non_certificate_blocks_in_tls_crt_are_reported_and_not_served()
    {
        var leaf = Leaf("api.example.com");
        var stranger = TestCertificateAuthority.CreateRoot("CN=Unrelated CA").Certificate;
        var crt = PemExport.Certificate(leaf) + PemExport.Certificate(stranger) + PemExport.PrivateKey(leaf);

        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(crt, PemExport.PrivateKey(leaf)));

        var unused = Condition(result, ServerCertificateConditions.UnusedCertificates);
        Assert.Contains("CN=Unrelated CA is not part of the chain", unused.Message, StringComparison.Ordinal);
        Assert.Contains("a PRIVATE KEY block is not a certificate", unused.Message, StringComparison.Ordinal);
        Assert.Equal(PemExport.Certificate(leaf), result.Identity!.ChainPem);
    }

    [Fact]
    public void Self_signed_certificate_in_a_secret_is_flagged_and_ready()
    {
        var selfSigned = SelfSignedIssuer.Issue(["api.example.com"], KeyAlgorithm.EcdsaP256, Now, 30);

        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(selfSigned.CertificatePem, selfSigned.KeyPem));

        Assert.Equal("True", Ready(result).Status);
        Assert.True(result.Status.SelfSigned);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.SelfSigned).Status);
        Assert.Equal(selfSigned.CertificatePem, result.Identity!.ChainPem);
    }

    [Fact]
    public void Status_never_contains_key_material()
    {
        var leaf = Leaf("api.example.com");
        var other = Leaf("other.example.com");
        var keyBody = PemExport.PrivateKey(other).Split('\n')[1];
        var crt = PemExport.Certificate(leaf) + PemExport.PrivateKey(other);

        var result = Evaluate(FromSecret("api.example.com"), TlsSecret(crt, PemExport.PrivateKey(other)));

        var json = KubernetesJson.Serialize(result.Status);
        Assert.Equal(ServerCertificateReasons.KeyMismatch, Ready(result).Reason);
        Assert.DoesNotContain(keyBody[..20], json, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", json, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Openssl_made_pair_is_accepted_and_a_mismatched_pair_rejected()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        foreach (var n in new[] { "a", "b" })
        {
            openssl.Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", n + ".key", "-out", n + ".crt",
                "-days", "30", "-subj", "/CN=api.example.com", "-addext", "subjectAltName=DNS:api.example.com",
                "-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=serverAuth");
        }

        string Text(string file) => Encoding.UTF8.GetString(openssl.ReadBytes(file));
        var good = EvaluateAt(DateTimeOffset.UtcNow, FromSecret("api.example.com"), TlsSecret(Text("a.crt"), Text("a.key")));
        var bad = EvaluateAt(DateTimeOffset.UtcNow, FromSecret("api.example.com"), TlsSecret(Text("a.crt"), Text("b.key")));

        Assert.Equal(("True", ServerCertificateReasons.Valid), (Ready(good).Status, Ready(good).Reason));
        Assert.True(good.Status.SelfSigned);
        AssertNotReady(bad, ServerCertificateReasons.KeyMismatch);
    }

    [SkippableFact]
    public void Openssl_pkcs1_rsa_key_signed_by_an_openssl_ca_is_accepted_with_a_complete_chain()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=OpenSSL Root");
        openssl.Run("genrsa", "-traditional", "-out", "tls.key", "2048");
        openssl.Run("req", "-new", "-key", "tls.key", "-out", "tls.csr", "-subj", "/CN=api.example.com");
        File.WriteAllText(Path.Combine(openssl.Directory, "ext.cnf"),
            "subjectAltName=DNS:api.example.com\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        openssl.Run("x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "20",
            "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest", "-sha256", "-extfile", "ext.cnf", "-out", "tls.crt");

        string Text(string file) => Encoding.UTF8.GetString(openssl.ReadBytes(file));
        var result = EvaluateAt(DateTimeOffset.UtcNow, FromSecret("api.example.com"), TlsSecret(Text("tls.crt"), Text("tls.key"), Text("ca.crt")));

        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", Text("tls.key"), StringComparison.Ordinal);
        Assert.Equal("True", Ready(result).Status);
        Assert.Equal("True", Condition(result, ServerCertificateConditions.ChainComplete).Status);
    }

    [SkippableFact]
    public void Openssl_ed25519_pair_is_refused_as_unsupported()
    {
        Skip.IfNot(OpenSslCommand.IsAvailable, "openssl CLI is not installed");
        using var openssl = new OpenSslCommand();
        openssl.Run("req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "tls.key", "-out", "tls.crt", "-days", "30",
            "-subj", "/CN=api.example.com", "-addext", "subjectAltName=DNS:api.example.com");

        string Text(string file) => Encoding.UTF8.GetString(openssl.ReadBytes(file));
        var result = EvaluateAt(DateTimeOffset.UtcNow, FromSecret("api.example.com"), TlsSecret(Text("tls.crt"), Text("tls.key")));

        AssertNotReady(result, ServerCertificateReasons.UnsupportedKeyAlgorithm, "Ed25519");
        Assert.Equal(["api.example.com"], result.Status.DnsNames);
    }
}
