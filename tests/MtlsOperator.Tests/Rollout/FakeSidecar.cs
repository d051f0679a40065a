using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Tests.Rollout;

/// <summary>A sidecar's <c>GET /status</c> on 127.0.0.1 answering whatever report the test sets.</summary>
internal sealed class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSidecar(WebApplication app) => _app = app;

    public volatile SidecarReport? Report;

    public int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public static async Task<FakeSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeSidecar? sidecar = null;
        app.MapGet("/status", () => sidecar!.Report is { } r ? Results.Text(r.ToJson(), "application/json") : Results.StatusCode(503));
        sidecar = new FakeSidecar(app);
        await app.StartAsync();
        return sidecar;
    }

    public void Serve(string? served, string? rejected = null, string? error = null) =>
        Report = new SidecarReport("haproxy", served is null ? SidecarState.Starting : SidecarState.Serving, served, rejected, error, 0, null, null);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
