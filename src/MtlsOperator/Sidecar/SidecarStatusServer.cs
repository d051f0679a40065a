using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Sidecar;

/// <summary>The sidecar's status port: <c>/status</c> (the <see cref="SidecarReport"/> JSON), <c>/readyz</c>, <c>/healthz</c> and <c>/metrics</c>.</summary>
internal sealed class SidecarStatusServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SidecarStatusServer(WebApplication app) => _app = app;

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:15021</c>.</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<SidecarStatusServer> StartAsync(string address, int port, Supervisor supervisor, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:{port}");
        var app = builder.Build();
        app.MapGet("/status", () => Results.Text(supervisor.Report.ToJson(), "application/json"));
        app.MapGet("/readyz", () => supervisor.IsReady
            ? Results.Text("serving " + supervisor.Report.ServedContentHash + "\n")
            : Results.Text($"not serving ({supervisor.Report.State})\n", statusCode: 503));
        // Live while the supervisor answers: a proxy that crashed is restarted by the supervisor, not by kubelet.
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/metrics", () => Results.Text(SidecarMetrics.Render(supervisor.Report, supervisor.RejectedConfigs), "text/plain; version=0.0.4; charset=utf-8"));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new SidecarStatusServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
