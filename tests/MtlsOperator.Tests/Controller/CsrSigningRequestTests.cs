using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>spec.csr.signingRequest through a Kubernetes CertificateSigningRequest: the operator submits the request to an allowed
/// signer, a signer (here the test, with an openssl CA) approves and issues it, the operator brings the certificate back into its
/// key Secret and serves it; a signer not on the allowlist is refused without submitting anything.</summary>
public sealed class CsrSigningRequestTests : IDisposable
{
    private const string Signer = "example.com/corp-ca";
    private readonly OpensslCsrSigner _ca;

    public CsrSigningRequestTests()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        _ca = new OpensslCsrSigner();
    }

    public void Dispose() => _ca.Dispose();

    private static JsonObject Certificate(string signer) => new()
    {
        ["apiVersion"] = "mtls-operator.io/v1alpha1",
        ["kind"] = "ServerCertificate",
        ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "apps" },
        ["spec"] = new JsonObject
        {
            ["hostnames"] = new JsonArray("web.apps.example.com"),
            ["csr"] = new JsonObject
            {
                ["keyAlgorithm"] = "RSA-2048",
                ["signingRequest"] = new JsonObject { ["signerName"] = signer, ["expirationSeconds"] = 86400 },
            },
        },
    };

    private static MtlsOperator.Controller.OperatorOptions Options() =>
        OperatorFixture.TestOptions() with { SigningRequestSigners = [Signer], SigningRequestPollPeriod = TimeSpan.FromMilliseconds(200) };

    [SkippableFact]
    public async Task The_request_is_submitted_to_the_signer_and_the_issued_certificate_is_served()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.StartOperator(Options());
        await fx.ApplyAsync(Certificate(Signer));

        await OperatorFixture.Eventually(async () => (await fx.StatusAsync("servercertificates", "web"))?["csr"]?["signingRequestName"] is not null, "the request is submitted");
        var status = (await fx.StatusAsync("servercertificates", "web"))!;
        var name = (string)status["csr"]!["signingRequestName"]!;
        V1CertificateSigningRequest? submitted = null;
        await OperatorFixture.Eventually(async () =>
        {
            submitted = (await fx.Client.CertificatesV1.ListCertificateSigningRequestAsync()).Items.SingleOrDefault(c => c.Metadata.Name == name);
            return submitted is not null;
        }, "the CertificateSigningRequest exists");
        Assert.Equal((string)status["csr"]!["request"]!, Encoding.UTF8.GetString(submitted!.Spec.Request));
        Assert.Equal(Signer, submitted.Spec.SignerName);
        Assert.Equal(["digital signature", "key encipherment", "server auth"], submitted.Spec.Usages);
        Assert.Equal(86400, submitted.Spec.ExpirationSeconds);
        Assert.Equal(("ServerCertificate", "web", "apps"), (submitted.Metadata.Labels["mtls-operator.io/owner-kind"], submitted.Metadata.Labels["mtls-operator.io/owner-name"], submitted.Metadata.Labels["mtls-operator.io/owner-namespace"]));
        Assert.Equal("AwaitingSignedCertificate", (string?)(await fx.ReadyAsync("servercertificates", "web"))!["reason"]);

        // The signer approves and issues it, as kubectl certificate approve and an in-cluster signer would.
        var issued = _ca.WithChain(_ca.Sign(Encoding.UTF8.GetString(submitted.Spec.Request)));
        submitted.Status = new V1CertificateSigningRequestStatus
        {
            Conditions = [new V1CertificateSigningRequestCondition { Type = "Approved", Status = "True", Reason = "ApprovedByTest", Message = "approved" }],
            Certificate = Encoding.UTF8.GetBytes(issued),
        };
        await fx.Client.CertificatesV1.ReplaceCertificateSigningRequestStatusAsync(submitted, name);

        await fx.WaitReadyAsync("servercertificates", "web");
        var keys = (await fx.TryGetSecretAsync("apps", "web-csr-key"))!;
        Assert.Equal(issued, Encoding.UTF8.GetString(keys.Data["tls.crt"]));
        var after = (await fx.StatusAsync("servercertificates", "web"))!;
        Assert.Null(after["csr"]!["signingRequestName"]);
        Assert.Equal(["web.apps.example.com"], after["dnsNames"]!.AsArray().Select(n => (string)n!));
    }

    [SkippableFact]
    public async Task A_signer_not_on_the_allowlist_is_refused_and_nothing_is_submitted()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(Options());
        await fx.ApplyAsync(Certificate("example.com/someone-elses-ca"));

        await fx.WaitReadyAsync("servercertificates", "web", "False");
        await fx.WaitSettledAsync(host);

        var ready = (await fx.ReadyAsync("servercertificates", "web"))!;
        Assert.Equal("SignerNotAllowed", (string?)ready["reason"]);
        Assert.Contains("example.com/someone-elses-ca", (string?)ready["message"], StringComparison.Ordinal);
        Assert.Empty((await fx.Client.CertificatesV1.ListCertificateSigningRequestAsync()).Items);
        Assert.Equal(0, fx.Server.Requests.Count("create", "certificatesigningrequests"));
    }
}
