using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Admission;

namespace MtlsOperator.Webhook;

/// <summary>HTTPS endpoint <c>POST /mutate-pods</c>: AdmissionReview v1 in, the engine's verdict out.</summary>
internal sealed partial class WebhookServer : IAsyncDisposable
{
    /// <summary>Larger bodies are refused: a pod is far smaller, and the API server caps requests at 3 MiB anyway.</summary>
    private const long MaxBody = 3 * 1024 * 1024;

    /// <summary>The path the MutatingWebhookConfiguration's clientConfig names.</summary>
    public const string MutatePodsPath = "/mutate-pods";

    private readonly WebApplication _app;

    private WebhookServer(WebApplication app) => _app = app;

    /// <summary>The bound address, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<WebhookServer> StartAsync(WebhookOptions options, ServingCertificate certificate, Func<AdmissionContext> context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("webhook");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxBody;
            kestrel.Listen(IPAddress.Parse(options.Address), options.Port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                // Read per handshake, so a rotated certificate is served without a restart.
                ServerCertificateSelector = (_, _) => certificate.Current,
            }));
        });
        var app = builder.Build();
        app.MapPost(MutatePodsPath, async (HttpRequest request) =>
        {
            JsonObject review;
            try
            {
                review = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject
                         ?? throw new FormatException("not a JSON object");
                var verdict = PodAdmission.Review(review, context());
                if (!verdict.Allowed)
                {
                    LogPodRefused(logger, (string?)review["request"]?["namespace"], verdict.Refusal);
                }

                return Results.Text(verdict.ToReview().ToJsonString(), "application/json");
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                return Results.Text($"not an AdmissionReview: {e.Message}\n", statusCode: 400);
            }
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused pod in {Namespace}: {Reason}")]
    private static partial void LogPodRefused(ILogger logger, string? @namespace, string? reason);
}
