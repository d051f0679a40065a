using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MtlsOperator.Hosting;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> on one port, for kubelet probes and Prometheus.</summary>
internal sealed class ProbeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProbeServer(WebApplication app) => _app = app;

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:41234</c> (useful with port 0).</summary>
    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static async Task<ProbeServer> StartAsync(string address, int port, Func<bool> live, Func<bool> ready, Func<IReadOnlySet<string>?, string> metrics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // No reloading of appsettings files: it would watch the content root (the working directory) and every folder under it,
        // one inotify watch and a cached entry each (8,000 folders and ~1 MiB of heap when run from a source tree).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseUrls($"http://{address}:{port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => live() ? Results.Text("ok\n") : Results.Text("not live\n", statusCode: 500));
        app.MapGet("/readyz", () => ready() ? Results.Text("ok\n") : Results.Text("caches not synced\n", statusCode: 503));
        // ?family=NAME (repeatable) renders only those families: a poller that reads one queue gauge need not have every resource's
        // series rendered for it. Prometheus sends no query and gets everything.
        app.MapGet("/metrics", WriteMetricsAsync(metrics));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new ProbeServer(app);
    }

    /// <summary>The exposition text, written in slices with a flush each: written whole, Kestrel would buffer all of it (megabytes with
    /// thousands of resources) in pooled blocks that its memory pool then keeps.</summary>
    private static RequestDelegate WriteMetricsAsync(Func<IReadOnlySet<string>?, string> metrics) => async context =>
    {
        const int Slice = 32 * 1024;
        var families = context.Request.Query["family"] is { Count: > 0 } named ? named.OfType<string>().ToHashSet(StringComparer.Ordinal) : null;
        var text = metrics(families);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        for (var at = 0; at < text.Length; at += Slice)
        {
            await context.Response.WriteAsync(text.Substring(at, Math.Min(Slice, text.Length - at)), context.RequestAborted).ConfigureAwait(false);
        }
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
