using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Controller;
using MtlsOperator.Tests.Controller;
using MtlsOperator.Webhook;
using static MtlsOperator.Tests.Injection.InjectionManifests;

namespace MtlsOperator.Tests.Injection;

/// <summary>The webhook as the API server meets it: over HTTPS, verified with the caBundle the operator installed.</summary>
public sealed class WebhookEndpointTests
{
    private static readonly WebhookOptions s_webhook = new()
    {
        Port = 0,
        Address = "127.0.0.1",
        Namespace = "mtls-system",
        RotationCheckPeriod = TimeSpan.FromMilliseconds(200),
        ReloadPeriod = TimeSpan.FromMilliseconds(200),
    };

    private static async Task<OperatorHost> StartAsync(OperatorFixture fx)
    {
        await fx.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = "mtls-operator" },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "inject.mtls-operator.io",
                    AdmissionReviewVersions = ["v1"],
                    SideEffects = "None",
                    FailurePolicy = "Fail",
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig { Service = new Admissionregistrationv1ServiceReference { Name = "mtls-operator-webhook", NamespaceProperty = "mtls-system", Path = "/mutate-pods" } },
                },
            ],
        });
        await fx.ApplyAsync(Listener());
        var host = fx.StartOperator(OperatorFixture.TestOptions() with { Webhook = s_webhook });
        await OperatorFixture.Eventually(async () => (await CaBundleAsync(fx)).Length > 0 && host.IsReady, "the operator installed its caBundle and serves the certificate");
        return host;
    }

    private static async Task<byte[]> CaBundleAsync(OperatorFixture fx) =>
        (await fx.Client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync("mtls-operator")).Webhooks[0].ClientConfig.CaBundle ?? [];

    /// <summary>An HTTPS client that trusts only the caBundle and demands the Service's DNS name, as kube-apiserver does.</summary>
    private static HttpClient ApiServerLikeClient(byte[] caBundle)
    {
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPem(Encoding.ASCII.GetString(caBundle));
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not X509Certificate2 served || !served.MatchesHostname("mtls-operator-webhook.mtls-system.svc"))
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(served);
                },
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<(HttpStatusCode Code, JsonObject? Body)> PostAsync(OperatorFixture fx, OperatorHost host, string body)
    {
        using var http = ApiServerLikeClient(await CaBundleAsync(fx));
        using var response = await http.PostAsync(host.WebhookUrl + "/mutate-pods", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(text)!.AsObject() : null);
    }

    [Fact]
    public async Task A_review_over_https_verified_by_the_installed_ca_bundle_is_answered_with_the_injection_patch()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await StartAsync(fx);
        var review = AdmissionReviews.ForPodCreate(Workload("Pod"));

        var (code, answer) = (HttpStatusCode.ServiceUnavailable, (JsonObject?)null);
        await OperatorFixture.Eventually(async () =>
        {
            (code, answer) = await PostAsync(fx, host, review.ToJsonString());
            return code == HttpStatusCode.OK && (bool?)answer!["response"]!["allowed"] == true;
        }, "the webhook admitted the pod once its listener cache synced");

        var patched = AdmissionReviews.Patched(review, answer!);
        Assert.Equal(["app", "mtls-proxy"], patched["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
    }

    [Fact]
    public async Task The_serving_secret_is_owned_by_the_operator_and_not_rewritten_while_nothing_is_due()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await StartAsync(fx);
        var secret = await fx.TryGetSecretAsync("mtls-system", "mtls-operator-webhook-tls");
        Assert.Equal("mtls-operator", secret!.Metadata.Labels["app.kubernetes.io/managed-by"]);
        var bundle = await CaBundleAsync(fx);
        Assert.Equal(secret.Data["ca.crt"], bundle);

        var mark = fx.Server.Requests.Mark();
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Empty(fx.Server.Requests.WritesSince(mark));
        Assert.Equal(secret.Metadata.ResourceVersion, (await fx.TryGetSecretAsync("mtls-system", "mtls-operator-webhook-tls"))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task A_serving_secret_someone_else_owns_is_never_overwritten()
    {
        await using var fx = await OperatorFixture.StartAsync();
        fx.Server.OutOfBand.Create(TestApiServer.ApiResource.Secrets, "mtls-system", JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"mtls-operator-webhook-tls"},"data":{"tls.crt":"eA=="}}""")!.AsObject());
        await fx.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration { Metadata = new V1ObjectMeta { Name = "mtls-operator" }, Webhooks = [] });
        var mark = fx.Server.Requests.Mark();
        fx.StartOperator(OperatorFixture.TestOptions() with { Webhook = s_webhook });

        await OperatorFixture.Eventually(() => Task.FromResult(fx.Log.Lines.Any(l => l.Contains("is not managed by mtls-operator", StringComparison.Ordinal))), "the conflict was logged");

        Assert.DoesNotContain(fx.Server.Requests.WritesSince(mark), r => r.Resource == "secrets");
    }

    [Fact]
    public async Task A_body_that_is_not_an_admission_review_is_a_bad_request()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await StartAsync(fx);

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(fx, host, "{\"kind\":\"AdmissionReview\"}")).Code);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(fx, host, "not json")).Code);
    }
}
