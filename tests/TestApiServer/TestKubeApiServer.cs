using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TestApiServer;

/// <summary>
/// An in-process fake kube-apiserver on 127.0.0.1 (random port) that the real KubernetesClient talks to over HTTP.
/// Test infrastructure only: see README.md for what it implements and where it differs from a real API server.
/// </summary>
public sealed class TestKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private TestKubeApiServer(WebApplication app, CancellationTokenSource stopping, ApiResourceCatalog resources, ObjectStore store, ApiFaults faults, RequestJournal requests, OutOfBandWriter writer)
    {
        OutOfBand = writer;
        _app = app;
        _stopping = stopping;
        Resources = resources;
        Store = store;
        Faults = faults;
        Requests = requests;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address);
    }

    /// <summary>Base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseUri { get; }

    /// <summary>Base address without a trailing slash, for KubernetesClientConfiguration.Host.</summary>
    public string Url => BaseUri.ToString().TrimEnd('/');

    /// <summary>Served resources; register custom resources here.</summary>
    public ApiResourceCatalog Resources { get; }

    /// <summary>Stored objects and the global resourceVersion; reads here are not journaled.</summary>
    public ObjectStore Store { get; }

    /// <summary>Fault switches.</summary>
    public ApiFaults Faults { get; }

    /// <summary>Every answered request, for "what did it write?" assertions.</summary>
    public RequestJournal Requests { get; }

    /// <summary>Writes by "someone else": full API semantics and watch events, but not journaled.</summary>
    public OutOfBandWriter OutOfBand { get; }

    /// <summary>Starts a server with the built-in kinds plus the options' custom resources.</summary>
    public static async Task<TestKubeApiServer> StartAsync(TestKubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TestKubeApiServerOptions();
        var resources = new ApiResourceCatalog(ApiResource.BuiltIns.Concat(options.CustomResources));
        var store = new ObjectStore(options.HistoryLimit);
        var faults = new ApiFaults(store);
        var requests = new RequestJournal();
        var stopping = new CancellationTokenSource();
        var handler = new ApiRequestHandler(
            resources,
            store,
            faults,
            requests,
            new WatchStream(store, faults, options.BookmarkInterval),
            options.TimeProvider,
            stopping.Token);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        return new TestKubeApiServer(app, stopping, resources, store, faults, requests, new OutOfBandWriter(store, options.TimeProvider));
    }

    /// <summary>Starts a server that also serves the four mtls-operator.io kinds.</summary>
    public static Task<TestKubeApiServer> StartWithMtlsOperatorResourcesAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new TestKubeApiServerOptions { CustomResources = MtlsOperatorResources.All }, cancellationToken);

    /// <summary>Client configuration pointing at this server (plain HTTP, no credentials).</summary>
    public KubernetesClientConfiguration ClientConfiguration() => new() { Host = Url };

    /// <summary>A real KubernetesClient talking to this server; the caller disposes it.</summary>
    public Kubernetes CreateClient() => new(ClientConfiguration());

    /// <summary>Ends open watches, stops the server; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // Open watches would hold a graceful shutdown forever; end them first.
        await _stopping.CancelAsync();
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(grace.Token);
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
        Faults.Dispose();
    }
}
