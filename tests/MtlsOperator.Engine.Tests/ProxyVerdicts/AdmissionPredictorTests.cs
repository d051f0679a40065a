using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.ProxyVerdicts;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using TestPki;

namespace MtlsOperator.Engine.Tests.ProxyVerdicts;

/// <summary>The predictor's model of OpenSSL, one fact each; DifferentialAdmissionTests holds it equal to the real proxies.</summary>
public sealed class AdmissionPredictorTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Predictor Root,O=Test");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Predictor Issuing,O=Test");

    private static ClientAdmission Admission(string? crlPem = null, ImmutableArray<string> casWithoutCrl = default, ImmutableArray<PinEntry> pins = default,
        ImmutableArray<ClientMatchRule> rules = default) =>
        new(PemExport.Certificates([s_root.Certificate, s_issuing.Certificate]), crlPem, casWithoutCrl.IsDefault ? [] : casWithoutCrl,
            pins.IsDefault ? [] : pins, rules.IsDefault ? [] : rules, null);

    private static PinEntry PinOf(X509Certificate2 certificate) =>
        new("spec.pins[0]", [new CertificatePin(PinAlgorithm.Sha256, CertificateFingerprints.Of(certificate).Sha256)]);

    [Fact]
    public void Pinned_client_of_the_bundle_is_admitted()
    {
        var client = s_issuing.IssueClient("CN=alice,O=Test");

        var verdict = AdmissionPredictor.Predict(Admission(pins: [PinOf(client)]), ProxyFlavor.Haproxy, [client], s_now);

        Assert.True(verdict.Admitted, verdict.ToString());
    }

    [Fact]
    public void Verified_client_matching_nothing_is_refused_with_403()
    {
        var verdict = AdmissionPredictor.Predict(Admission(pins: [PinOf(s_issuing.IssueClient())]), ProxyFlavor.Nginx, [s_issuing.IssueClient()], s_now);

        Assert.Equal(RefusalStage.Forbidden, verdict.RefusedAt);
    }

    [Fact]
    public void Client_of_another_ca_is_refused_in_the_handshake_by_haproxy_and_with_400_by_nginx()
    {
        var stranger = TestCertificateAuthority.CreateRoot("CN=Stranger Root").IssueClient();
        var admission = Admission(pins: [PinOf(stranger)]);

        Assert.Equal(RefusalStage.Handshake, AdmissionPredictor.Predict(admission, ProxyFlavor.Haproxy, [stranger], s_now).RefusedAt);
        Assert.Equal(RefusalStage.BadRequest, AdmissionPredictor.Predict(admission, ProxyFlavor.Nginx, [stranger], s_now).RefusedAt);
    }

    [Fact]
    public void Any_extended_key_usage_alone_is_not_client_auth_for_openssl()
    {
        var client = s_issuing.IssueClient("CN=any,O=Test", new LeafOptions { ExtendedKeyUsages = ["2.5.29.37.0"] });

        var verdict = AdmissionPredictor.Predict(Admission(pins: [PinOf(client)]), ProxyFlavor.Haproxy, [client], s_now);

        Assert.Equal(RefusalStage.Handshake, verdict.RefusedAt);
        Assert.Contains("purpose", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Revoked_client_is_refused_once_crls_are_rendered()
    {
        var client = s_issuing.IssueClient("CN=revoked,O=Test");
        s_issuing.Revoke(client);
        var crls = s_issuing.CreateCrlPem() + s_root.CreateCrlPem();

        var verdict = AdmissionPredictor.Predict(Admission(crlPem: crls, pins: [PinOf(client)]), ProxyFlavor.Nginx, [client], s_now);

        Assert.Equal(RefusalStage.BadRequest, verdict.RefusedAt);
        Assert.Contains("revoked", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_root_crl_refuses_everyone_unless_haproxy_renders_ca_ignore_err_3()
    {
        var client = s_issuing.IssueClient("CN=fine,O=Test");
        var onlyIssuing = s_issuing.CreateCrlPem();

        var strict = AdmissionPredictor.Predict(Admission(crlPem: onlyIssuing, pins: [PinOf(client)]), ProxyFlavor.Nginx, [client], s_now);
        var tolerant = AdmissionPredictor.Predict(Admission(crlPem: onlyIssuing, casWithoutCrl: ["CN=Predictor Root,O=Test"], pins: [PinOf(client)]),
            ProxyFlavor.Haproxy, [client], s_now);

        Assert.Contains("unable to get certificate CRL", strict.Reason, StringComparison.Ordinal);
        Assert.True(tolerant.Admitted, tolerant.ToString());
    }

    [Fact]
    public void A_wildcard_matches_any_value_and_an_escaped_asterisk_only_an_asterisk()
    {
        var client = s_issuing.IssueClient("CN=svc-billing,O=Test");
        ClientMatchRule Rule(string subject) => MatchRuleParser.Parse(new Engine.Api.MatchRuleSpec { Subject = subject }, "spec.rules[0]").Rule!;

        var wildcard = AdmissionPredictor.Predict(Admission(rules: [Rule("CN=svc-*,O=Test")]), ProxyFlavor.Haproxy, [client], s_now);
        var literal = AdmissionPredictor.Predict(Admission(rules: [Rule("CN=svc-\\*,O=Test")]), ProxyFlavor.Haproxy, [client], s_now);

        Assert.True(wildcard.Admitted, wildcard.ToString());
        Assert.Equal(RefusalStage.Forbidden, literal.RefusedAt);
    }

    [Fact]
    public void Expired_client_is_refused()
    {
        var client = s_issuing.IssueClient("CN=old,O=Test", new LeafOptions { NotBefore = s_now.AddDays(-9), NotAfter = s_now.AddDays(-1) });

        var verdict = AdmissionPredictor.Predict(Admission(pins: [PinOf(client)]), ProxyFlavor.Haproxy, [client], s_now);

        Assert.Equal(RefusalStage.Handshake, verdict.RefusedAt);
    }
}
