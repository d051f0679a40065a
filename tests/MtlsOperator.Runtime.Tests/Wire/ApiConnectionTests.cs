using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MtlsOperator.Runtime.Wire;
using TestApiServer;

namespace MtlsOperator.Runtime.Tests.Wire;

/// <summary>The runtime's own requests go through the client's connection and fail as the typed calls fail.</summary>
public sealed class ApiConnectionTests : IAsyncLifetime
{
    private const string Ns = "apps";
    private static readonly ApiPath Secrets = new("", "v1", "secrets");
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _sent = new();
    private TestKubeApiServer _server = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestKubeApiServer.StartAsync();
        var configuration = _server.ClientConfiguration();
        configuration.AccessToken = "token-of-the-operator";
        _client = Connect(configuration, _sent);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_create_answers_with_the_metadata_the_server_stored()
    {
        var stored = await new ApiConnection(_client).WriteAsync(HttpMethod.Post, Secrets.Collection(Ns), NewSecret("a"), CancellationToken.None);

        var read = await _client.CoreV1.ReadNamespacedSecretAsync("a", Ns);
        Assert.Equal(read.Metadata.Uid, stored.Uid);
        Assert.Equal(read.Metadata.ResourceVersion, stored.ResourceVersion);
        Assert.Equal(("a", Ns), (stored.Name, stored.NamespaceProperty));
        Assert.Equal([1, 2, 3], read.Data["k"]);
    }

    [Fact]
    public async Task A_refused_write_throws_what_the_typed_call_throws()
    {
        await _client.CoreV1.CreateNamespacedSecretAsync(NewSecret("a"), Ns);

        var typed = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedSecretAsync(NewSecret("a"), Ns));
        var own = await Assert.ThrowsAsync<HttpOperationException>(() => new ApiConnection(_client).WriteAsync(HttpMethod.Post, Secrets.Collection(Ns), NewSecret("a"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Conflict, own.Response.StatusCode);
        Assert.Equal(typed.Response.StatusCode, own.Response.StatusCode);
        Assert.Equal(typed.Response.Content, own.Response.Content);
    }

    [Fact]
    public async Task A_replace_from_a_stale_version_is_a_conflict()
    {
        var created = await _client.CoreV1.CreateNamespacedSecretAsync(NewSecret("a"), Ns);
        var stale = NewSecret("a");
        stale.Metadata.ResourceVersion = created.Metadata.ResourceVersion;
        var changed = NewSecret("a");
        changed.Metadata.ResourceVersion = created.Metadata.ResourceVersion;
        changed.Data["k"] = [4];
        await _client.CoreV1.ReplaceNamespacedSecretAsync(changed, "a", Ns);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => new ApiConnection(_client).WriteAsync(HttpMethod.Put, Secrets.Item(Ns, "a"), stale, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
    }

    [Fact]
    public async Task Writes_and_watches_carry_the_clients_credentials()
    {
        var connection = new ApiConnection(_client);
        var created = await connection.WriteAsync(HttpMethod.Post, Secrets.Collection(Ns), NewSecret("a"), CancellationToken.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var (type, secret) in WatchStream.ReadAsync<V1Secret>(connection, Secrets.Watch(Ns, ResourceSelector.All, "0", 5), e => throw e, stop.Token))
        {
            Assert.Equal((WatchEventType.Added, created.Uid), (type, secret.Metadata.Uid));
            break;
        }

        Assert.Equal(2, _sent.Count);
        Assert.All(_sent, s => Assert.Equal("Bearer token-of-the-operator", s.Authorization));
        Assert.Equal(["/api/v1/namespaces/apps/secrets", "/api/v1/namespaces/apps/secrets?allowWatchBookmarks=true&resourceVersion=0&timeoutSeconds=5&watch=true"], _sent.Select(s => s.Path));
    }

    // A client whose requests, typed or not, are recorded as they leave it (after its credentials were applied).
    private static Kubernetes Connect(KubernetesClientConfiguration configuration, ConcurrentQueue<(string, string?)> sent) => new(configuration, new Recorder(sent));

    private static V1Secret NewSecret(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Data = new Dictionary<string, byte[]> { ["k"] = [1, 2, 3] },
    };

    private sealed class Recorder(ConcurrentQueue<(string, string?)> sent) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Enqueue((request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString()));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
