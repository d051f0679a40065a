using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.EndpointCheck;
using TestPki;

namespace MtlsOperator.Engine.Tests.EndpointCheck;

/// <summary>How a probe's observation is judged: name, validity, trust, client admission, and which failure decides.</summary>
public sealed class EndpointJudgementTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Judgement Root");
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Judgement CA");

    private static CheckExpectations Expect(string name, bool clientGiven = true) =>
        new(name, [s_root.Certificate], [], "--ca root.pem", clientGiven);

    private static EndpointObservation Served(params X509Certificate2[] chain) => new()
    {
        ServedChain = [.. chain],
        ChainComplete = true,
        TlsVersion = "TLSv1.3",
        Cipher = "TLS_AES_128_GCM_SHA256",
        ClientCertificateRequested = true,
        ClientCertificatePresented = true,
        HttpStatus = 200,
    };

    [Fact]
    public void A_valid_trusted_chain_for_the_name_with_an_admitted_client_has_no_findings()
    {
        var verdict = EndpointJudgement.Judge(Served(s_issuing.IssueServer("api.test"), s_issuing.Certificate), Expect("api.test"), s_now);

        Assert.Empty(verdict.Findings);
        Assert.Null(verdict.Decisive);
        Assert.True(verdict.Trust!.Verified);
        Assert.Equal(3, verdict.Trust.Path.Length);
    }

    [Fact]
    public void A_wildcard_covers_one_label_only()
    {
        var seen = Served(s_issuing.IssueServer("*.tenants.test"), s_issuing.Certificate);

        Assert.True(EndpointJudgement.Judge(seen, Expect("a.tenants.test"), s_now).Name!.Matches);
        Assert.Equal(CheckFailure.WrongName, EndpointJudgement.Judge(seen, Expect("a.b.tenants.test"), s_now).Decisive);
    }

    [Fact]
    public void An_IP_address_is_matched_by_IP_SANs_only()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=10.0.0.7", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Parse("10.0.0.7"));
        san.AddDnsName("10.0.0.8");
        request.CertificateExtensions.Add(san.Build());
        var leaf = request.CreateSelfSigned(s_now.AddDays(-1), s_now.AddDays(1));
        var seen = Served(leaf);

        Assert.True(EndpointJudgement.Judge(seen, Expect("10.0.0.7"), s_now).Name!.Matches);
        Assert.False(EndpointJudgement.Judge(seen, Expect("10.0.0.8"), s_now).Name!.Matches);
    }

    [Fact]
    public void A_certificate_not_yet_valid_is_reported_as_expired_and_decides_over_untrusted()
    {
        var stranger = TestCertificateAuthority.CreateRoot("CN=Stranger").IssueServer(new LeafOptions
        {
            DnsNames = ["api.test"],
            NotBefore = s_now.AddDays(1),
            NotAfter = s_now.AddDays(30),
        });

        var verdict = EndpointJudgement.Judge(Served(stranger), Expect("api.test"), s_now);

        Assert.Equal([CheckFailure.Expired, CheckFailure.Untrusted], verdict.Findings.Select(f => f.Failure));
        Assert.Equal(CheckFailure.Expired, verdict.Decisive);
        Assert.Contains("not valid before", verdict.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_leaf_seen_leaves_trust_unknown_instead_of_untrusted()
    {
        var seen = Served(s_issuing.IssueServer("api.test")) with { ChainComplete = false, Stop = ProbeStop.HandshakeFailed, HttpStatus = null };

        var verdict = EndpointJudgement.Judge(seen, Expect("api.test", clientGiven: false), s_now);

        Assert.Null(verdict.Trust!.Verified);
        Assert.Equal([CheckFailure.ClientRefused], verdict.Findings.Select(f => f.Failure));
    }

    [Theory]
    [InlineData(400, "<html><head><title>400 No required SSL certificate was sent</title>", CheckFailure.ClientRefused)]
    [InlineData(400, "<html><head><title>400 The SSL certificate error</title>", CheckFailure.ClientRefused)]
    [InlineData(403, "forbidden", CheckFailure.ClientRefused)]
    [InlineData(400, "bad request", CheckFailure.HttpError)]
    [InlineData(502, "bad gateway", CheckFailure.HttpError)]
    public void The_answer_of_a_server_that_asked_for_a_certificate_is_judged_by_status_and_page(int status, string body, CheckFailure expected)
    {
        var seen = Served(s_issuing.IssueServer("api.test"), s_issuing.Certificate) with { HttpStatus = status, HttpBodyStart = body };

        Assert.Equal(expected, EndpointJudgement.Judge(seen, Expect("api.test"), s_now).Decisive);
    }

    [Fact]
    public void A_403_from_a_server_that_asked_for_no_certificate_is_an_HTTP_error()
    {
        var seen = Served(s_issuing.IssueServer("api.test"), s_issuing.Certificate) with { ClientCertificateRequested = false, HttpStatus = 403 };

        Assert.Equal(CheckFailure.HttpError, EndpointJudgement.Judge(seen, Expect("api.test"), s_now).Decisive);
    }

    [Fact]
    public void A_handshake_that_fails_before_any_certificate_request_is_a_handshake_failure()
    {
        var seen = new EndpointObservation { Stop = ProbeStop.HandshakeFailed, StoppedAt = ProbeStage.Handshake, StopDetail = "wrong version number" };

        var verdict = EndpointJudgement.Judge(seen, Expect("api.test"), s_now);

        Assert.Equal([CheckFailure.HandshakeFailed], verdict.Findings.Select(f => f.Failure));
        Assert.Null(verdict.Client.Admitted);
    }
}
