using System.Security.Cryptography;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using TestPki;
using static MtlsOperator.Engine.Tests.Rendering.Envoy.EnvoyRendering;

namespace MtlsOperator.Engine.Tests.Rendering.Envoy;

/// <summary>Who the rendered validation context admits: pins, SAN rules, CRLs.</summary>
public sealed class EnvoyClientAdmissionTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot();
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 s_client = s_ca.IssueClient("CN=agent,O=Test");

    [Fact]
    public void Sha256_pin_is_the_hex_sha256_of_the_client_certificate_der()
    {
        var pin = new CertificatePin(PinAlgorithm.Sha256, CertificateFingerprints.Of(s_client).Sha256);

        var validation = Validation(Model(pin));

        Assert.Equal([Convert.ToHexStringLower(SHA256.HashData(s_client.RawData))], Scalars(validation, "verify_certificate_hash"));
        Assert.False(Has(validation, "verify_certificate_spki"));
        Assert.False(Has(validation, "match_typed_subject_alt_names"));
    }

    [Fact]
    public void Spki_pin_lands_in_verify_certificate_spki()
    {
        var pin = new CertificatePin(PinAlgorithm.SpkiSha256, CertificateFingerprints.Of(s_client).SpkiSha256);

        var validation = Validation(Model(pin));

        Assert.Equal([pin.Value], Scalars(validation, "verify_certificate_spki"));
        Assert.False(Has(validation, "verify_certificate_hash"));
    }

    [SkippableFact]
    public void Spki_pin_equals_the_openssl_derivation_envoy_documents()
    {
        Skip.IfNot(File.Exists("/usr/bin/openssl"), "openssl CLI not installed");
        var pem = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pem, PemExport.Certificate(s_client));
            // The pipeline from common.proto's verify_certificate_spki documentation.
            var (exitCode, openssl, error) = ExternalTool.Run("sh", ["-c", $"openssl x509 -in {pem} -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | openssl enc -base64"]);
            Assert.True(exitCode == 0, error);

            var validation = Validation(Model(new CertificatePin(PinAlgorithm.SpkiSha256, CertificateFingerprints.Of(s_client).SpkiSha256)));

            Assert.Equal([openssl.Trim()], Scalars(validation, "verify_certificate_spki"));
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void Certificate_pin_is_enforced_through_its_sha256_form()
    {
        var fingerprints = CertificateFingerprints.Of(s_client);
        var entry = new PinEntry("spec.pins[0]", [
            new CertificatePin(PinAlgorithm.Sha1, fingerprints.Sha1),
            new CertificatePin(PinAlgorithm.Sha256, fingerprints.Sha256),
            new CertificatePin(PinAlgorithm.SpkiSha256, fingerprints.SpkiSha256)]);
        // What a listener may pick from a pinned certificate for Envoy: the SHA-1 form is out of reach.
        var enforceable = entry.Forms.Where(f => Renderer.SupportedPinAlgorithms.Contains(f.Algorithm)).ToList();
        Assert.Equal([PinAlgorithm.Sha256, PinAlgorithm.SpkiSha256], enforceable.Select(f => f.Algorithm));

        var validation = Validation(Model(enforceable[0]));

        Assert.Equal([fingerprints.Sha256], Scalars(validation, "verify_certificate_hash"));
    }

    [Fact]
    public void Sha256_and_spki_pins_are_both_listed_since_envoy_accepts_a_match_in_either()
    {
        var other = s_ca.IssueClient("CN=other,O=Test");
        var hash = new CertificatePin(PinAlgorithm.Sha256, CertificateFingerprints.Of(s_client).Sha256);
        var spki = new CertificatePin(PinAlgorithm.SpkiSha256, CertificateFingerprints.Of(other).SpkiSha256);

        var validation = Validation(Model(hash, spki));

        Assert.Equal([hash.Value], Scalars(validation, "verify_certificate_hash"));
        Assert.Equal([spki.Value], Scalars(validation, "verify_certificate_spki"));
    }

    [Fact]
    public void Dns_rule_matches_the_literal_san_by_anchored_regex_not_by_dns_wildcard_semantics()
    {
        var validation = Validation(WithRules(Dns("api.example.com")));

        var matcher = Item(validation, "match_typed_subject_alt_names", 0);
        Assert.Equal("DNS", Scalar(matcher, "san_type"));
        Assert.False(Has(Map(matcher, "matcher"), "exact"));
        Assert.Equal(@"^api\.example\.com$", Scalar(Map(matcher, "matcher", "safe_regex"), "regex"));
    }

    [Fact]
    public void Dns_rule_regex_admits_only_the_exact_name()
    {
        var regex = Scalar(Map(Item(Validation(WithRules(Dns("*.example.com"))), "match_typed_subject_alt_names", 0), "matcher", "safe_regex"), "regex");

        // RE2 and .NET agree on escaped punctuation and anchors.
        Assert.Matches(regex, "*.example.com");
        Assert.DoesNotMatch(regex, "api.example.com");
        Assert.DoesNotMatch(regex, "x*.example.com");
    }

    [Fact]
    public void Uri_rule_is_an_exact_uri_san_matcher()
    {
        var validation = Validation(WithRules(Uri("spiffe://corp/ns/shop/sa/agent")));

        var matcher = Item(validation, "match_typed_subject_alt_names", 0);
        Assert.Equal("URI", Scalar(matcher, "san_type"));
        Assert.Equal("spiffe://corp/ns/shop/sa/agent", Scalar(Map(matcher, "matcher"), "exact"));
    }

    [Fact]
    public void Several_rules_become_several_matchers_of_which_any_admits()
    {
        var validation = Validation(WithRules(Dns("a.example.com"), Uri("spiffe://corp/b")));

        Assert.Equal(2, Seq(validation, "match_typed_subject_alt_names").Children.Count);
        Assert.False(Has(validation, "verify_certificate_hash"));
    }

    [Fact]
    public void Rule_text_with_yaml_syntax_stays_one_string()
    {
        const string uri = "urn:x:\"quoted\": #not-a-comment, [x] {y} 'z' \\ &a *b";

        var matcher = Item(Validation(WithRules(Uri(uri))), "match_typed_subject_alt_names", 0);

        Assert.Equal(uri, Scalar(Map(matcher, "matcher"), "exact"));
    }

    [Fact]
    public void Trust_bundle_is_the_trusted_ca_and_no_crl_is_named_when_revocation_is_off()
    {
        var validation = Validation(Model());

        Assert.Equal(Mount + "/ca.crt", Scalar(Map(validation, "trusted_ca"), "filename"));
        Assert.False(Has(validation, "crl"));
        Assert.False(Has(validation, "only_verify_leaf_cert_crl"));
    }

    [Fact]
    public void Crls_covering_every_ca_are_checked_along_the_whole_chain()
    {
        var validation = Validation(Model() with { CrlFile = "ca.crl" });

        Assert.Equal(Mount + "/ca.crl", Scalar(Map(validation, "crl"), "filename"));
        Assert.False(Has(validation, "only_verify_leaf_cert_crl"));
    }

    [Fact]
    public void Crls_from_leaf_issuers_only_are_checked_for_the_client_certificate_alone()
    {
        var model = Model() with { CrlFile = "ca.crl", CasWithoutCrl = ["CN=Test Root CA,O=Test"], CrlsRevokeOnlyLeaves = true };

        var validation = Validation(model);

        Assert.Equal("true", Scalar(validation, "only_verify_leaf_cert_crl"));
        Assert.Equal(Mount + "/ca.crl", Scalar(Map(validation, "crl"), "filename"));
    }

    [Fact]
    public void Every_filter_chain_requires_a_client_certificate_validated_by_the_one_validation_secret()
    {
        var model = Model() with { ServerCertificates = [Web, new("api", ["api.example.com"], "sni-api.crt", "sni-api.key")] };

        var chains = Chains(Bootstrap(model));

        Assert.Equal(3, chains.Count);
        Assert.All(chains, chain =>
        {
            var tls = TlsContext(chain);
            Assert.Equal("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext", Scalar(tls, "@type"));
            Assert.Equal("true", Scalar(tls, "require_client_certificate"));
            var sds = Map(tls, "common_tls_context", "validation_context_sds_secret_config");
            Assert.Equal("client-validation", Scalar(sds, "name"));
            Assert.Equal(Mount + "/sds-validation.yaml", Scalar(Map(sds, "sds_config", "path_config_source"), "path"));
        });
    }
}
