using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Cli;
using MtlsOperator.Controller;
using MtlsOperator.Runtime.Throttling;
using TestApiServer;

namespace MtlsOperator.Tests.Controller;

/// <summary>A test API server plus operator instances running against it in-process through the real KubernetesClient.</summary>
internal sealed class OperatorFixture : IAsyncDisposable
{
    private readonly List<(OperatorHost Host, CancellationTokenSource Stop, Task Run)> _operators = [];
    private readonly Dictionary<OperatorHost, OperatorTraffic> _traffic = [];
    private readonly List<Kubernetes> _clients = [];

    private OperatorFixture(TestKubeApiServer server)
    {
        Server = server;
        Client = server.CreateClient();
        Loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Log));
    }

    public TestKubeApiServer Server { get; }

    public Kubernetes Client { get; }

    /// <summary>Every line the operators logged, at every level.</summary>
    public CapturedLog Log { get; } = new();

    public ILoggerFactory Loggers { get; }

    public static async Task<OperatorFixture> StartAsync() =>
        new(await TestKubeApiServer.StartWithMtlsOperatorResourcesAsync());

    /// <summary>Options tuned for tests: no probe port unless asked, fast watch restarts, short leases.</summary>
    public static OperatorOptions TestOptions(string identity = "op-1", bool leaderElection = false) => new()
    {
        Identity = identity,
        LeaderElection = leaderElection,
        HealthPort = null,
        LeaseNamespace = "kube-system",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
        WatchStallTimeout = TimeSpan.FromSeconds(5),
        ResyncPeriod = TimeSpan.FromMinutes(10),
        // Saved when an operator stops, never while a test watches for writes; ConvergedSaveTests sets its own period.
        ConvergedSavePeriod = TimeSpan.FromHours(1),
    };

    /// <summary>Starts an operator; stop it with <see cref="StopAsync"/> or at dispose.</summary>
    public OperatorHost StartOperator(OperatorOptions? options = null, TimeProvider? time = null, ClientThrottling? throttling = null)
    {
        var traffic = new OperatorTraffic();
        throttling ??= new ClientThrottling();
        // The clients `run` builds, so the operator meets the server's pushback as it does in a cluster; the traffic switch sits
        // inside it, where each attempt of a retried request passes.
        var client = OperatorClient.Create(Server.ClientConfiguration(), throttling, traffic);
        _clients.Add(client);
        var leaseClient = OperatorClient.ForLease(Server.ClientConfiguration(), throttling, traffic.Sibling());
        if (leaseClient is not null)
        {
            _clients.Add(leaseClient);
        }

        var host = new OperatorHost(client, options ?? TestOptions(), Loggers, time, leaseClient);
        _traffic[host] = traffic;
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => host.RunAsync(stop.Token));
        _operators.Add((host, stop, run));
        return host;
    }

    public async Task StopAsync(OperatorHost host)
    {
        var entry = _operators.Single(o => o.Host == host);
        await entry.Stop.CancelAsync();
        await entry.Run.WaitAsync(TimeSpan.FromSeconds(30));
        _operators.Remove(entry);
        entry.Stop.Dispose();
    }

    /// <summary>The wire of one operator replica: the writes it sent, and a switch to partition it from the server.</summary>
    public OperatorTraffic TrafficOf(OperatorHost host) => _traffic[host];

    /// <summary>Creates or replaces every object of a multi-document YAML text, like <c>kubectl apply</c>.</summary>
    public Task ApplyAsync(string yaml, string @namespace = "apps") =>
        ApplyAsync(ManifestYaml.ReadDocuments(yaml).OfType<JsonObject>(), @namespace);

    /// <summary>Creates or replaces every object, like <c>kubectl apply</c>.</summary>
    public Task ApplyAsync(params JsonObject[] documents) => ApplyAsync(documents, "apps");

    /// <summary>Creates or replaces every object, like <c>kubectl apply</c>.</summary>
    public async Task ApplyAsync(IEnumerable<JsonObject> documents, string @namespace)
    {
        foreach (var original in documents)
        {
            // The test's own writes meet the injected faults too; like a GitOps controller, it retries them.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ApplyOneAsync(original.DeepClone().AsObject(), @namespace);
                    break;
                }
                catch (k8s.Autorest.HttpOperationException e) when (attempt < 20 && (int)e.Response.StatusCode is 409 or 429 or 500 or 503)
                {
                    await Task.Delay(20);
                }
            }
        }
    }

    private async Task ApplyOneAsync(JsonObject document, string @namespace)
    {
        document["metadata"]!["namespace"] ??= @namespace;
        var ns = (string)document["metadata"]!["namespace"]!;
        var name = (string)document["metadata"]!["name"]!;
        var apiVersion = (string)document["apiVersion"]!;
        var kind = (string)document["kind"]!;
        if (apiVersion == "v1")
        {
            await ApplyCoreAsync(kind, ns, name, document);
            return;
        }

        var plural = PluralOf(kind);
        var existing = await TryGetCustomAsync(plural, ns, name);
        if (existing is null)
        {
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(document, "mtls-operator.io", "v1alpha1", ns, plural);
        }
        else
        {
            document["metadata"]!["resourceVersion"] = existing["metadata"]!["resourceVersion"]!.GetValue<string>();
            await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync(document, "mtls-operator.io", "v1alpha1", ns, plural, name);
        }
    }

    public async Task<JsonObject?> TryGetCustomAsync(string plural, string ns, string name)
    {
        try
        {
            var o = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>("mtls-operator.io", "v1alpha1", ns, plural, name);
            return o;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<V1Secret?> TryGetSecretAsync(string ns, string name)
    {
        try
        {
            return await Client.CoreV1.ReadNamespacedSecretAsync(name, ns);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<V1ConfigMap?> TryGetConfigMapAsync(string ns, string name)
    {
        try
        {
            return await Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The status of a custom resource, or null.</summary>
    public async Task<JsonNode?> StatusAsync(string plural, string name, string ns = "apps") =>
        (await TryGetCustomAsync(plural, ns, name))?["status"];

    /// <summary>The Ready condition of a custom resource, or null.</summary>
    public async Task<JsonNode?> ReadyAsync(string plural, string name, string ns = "apps")
    {
        var o = await TryGetCustomAsync(plural, ns, name);
        return o?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
    }

    /// <summary>Polls <paramref name="condition"/> until true or the deadline passes (bounded wait, no fixed sleeps).</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Timed out waiting until {what}");
    }

    /// <summary>
    /// Ends every watch; each informer's next watch is answered 410 Gone (as after an etcd compaction), so every
    /// one of them lists again.
    /// </summary>
    public void ExpireEveryWatch()
    {
        foreach (var resource in MtlsOperatorResources.All.Append(ApiResource.Secrets).Append(ApiResource.ConfigMaps).Append(ApiResource.Pods))
        {
            Server.Faults.FailNext(1, new InjectedFailure(410, "Expired", "too old resource version (injected)"), RequestMatch.Verb("watch", resource.Plural));
        }

        Server.Faults.DropAllWatches();
    }

    /// <summary>
    /// True when the informers of <paramref name="host"/> have caught up: every cached object has the server's
    /// resourceVersion and no custom resource of the server is missing from its cache.
    /// </summary>
    public bool CachesCurrent(OperatorHost host)
    {
        if (host.Cache is not { } cache)
        {
            return false;
        }

        static Dictionary<string, string?> Versions(IEnumerable<V1ObjectMeta> items) =>
            items.ToDictionary<V1ObjectMeta, string, string?>(m => $"{m.NamespaceProperty}/{m.Name}", m => m.ResourceVersion);

        bool Current(ApiResource resource, IEnumerable<IKubernetesObject<V1ObjectMeta>> cached, bool complete)
        {
            var server = Server.Store.List(resource).ToDictionary<JsonObject, string, string?>(
                o => $"{o["metadata"]!["namespace"]}/{o["metadata"]!["name"]}", o => (string?)o["metadata"]!["resourceVersion"]);
            var mine = Versions(cached.Select(o => o.Metadata));
            return mine.All(kv => server.TryGetValue(kv.Key, out var v) && v == kv.Value) && (!complete || mine.Count == server.Count);
        }

        return Current(MtlsOperatorResources.TrustBundles, cache.TrustBundles.Cache.List(), complete: true)
            && Current(MtlsOperatorResources.ServerCertificates, cache.ServerCertificates.Cache.List(), complete: true)
            && Current(MtlsOperatorResources.ClientAuthPolicies, cache.ClientAuthPolicies.Cache.List(), complete: true)
            && Current(MtlsOperatorResources.MtlsListeners, cache.Listeners.Cache.List(), complete: true)
            && Current(ApiResource.Secrets, cache.Secrets.Cache.List(), complete: false)
            && Current(ApiResource.ConfigMaps, cache.ConfigMaps.Cache.List(), complete: false);
    }

    /// <summary>Waits until <paramref name="host"/> is idle with caches that have caught up with the server: converged on the world as it is.</summary>
    public Task WaitSettledAsync(OperatorHost host, TimeSpan? timeout = null) =>
        Eventually(() => Task.FromResult(host.IsIdle && CachesCurrent(host)), "the operator settled on current caches", timeout);

    /// <summary>Waits until the output Secret <c>apps/agent-mtls</c> serves <paramref name="certificate"/> as its leaf.</summary>
    public Task WaitServedAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string what, TimeSpan? timeout = null) =>
        Eventually(
            async () => await TryGetSecretAsync("apps", "agent-mtls") is { } s && OutputOf.Thumbprints(s, "tls.crt")[0] == OutputOf.Thumbprint(certificate),
            what, timeout);

    /// <summary>Waits until <paramref name="host"/> leads, has synced and has nothing queued or in flight.</summary>
    public static Task WaitIdleAsync(OperatorHost host) => Eventually(() => Task.FromResult(host.IsIdle), "the operator is idle");

    public async Task WaitReadyAsync(string plural, string name, string status = "True", string ns = "apps", TimeSpan? timeout = null)
    {
        JsonNode? last = null;
        try
        {
            await Eventually(async () => (string?)(last = await ReadyAsync(plural, name, ns))?["status"] == status, $"{plural}/{name} is Ready={status}", timeout);
        }
        catch (Xunit.Sdk.FailException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}; last Ready condition: {last?.ToJsonString() ?? "none"}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, stop, run) in _operators)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
            }

            stop.Dispose();
        }

        // Set MTLS_TEST_LOG to a directory to keep each test's operator log and request journal for diagnosis.
        if (Environment.GetEnvironmentVariable("MTLS_TEST_LOG") is { Length: > 0 } directory)
        {
            await File.WriteAllLinesAsync(Path.Combine(directory, $"{DateTime.UtcNow:HHmmss.fff}-{Guid.NewGuid():N}.log"),
                Log.Lines.Concat(Server.Requests.All.Select(r => $"{r.Sequence} {r.Call} -> {r.StatusCode}{(r.Injected ? " (injected)" : "")}")));
        }

        Client.Dispose();
        _clients.ForEach(c => c.Dispose());
        await Server.DisposeAsync();
        Loggers.Dispose();
    }

    private async Task ApplyCoreAsync(string kind, string ns, string name, JsonObject document)
    {
        var json = document.ToJsonString();
        if (kind == "Secret")
        {
            var secret = KubernetesJson.Deserialize<V1Secret>(json);
            var existing = await TryGetSecretAsync(ns, name);
            if (existing is null)
            {
                await Client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
            }
            else
            {
                secret.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await Client.CoreV1.ReplaceNamespacedSecretAsync(secret, name, ns);
            }
        }
        else if (kind == "ConfigMap")
        {
            var configMap = KubernetesJson.Deserialize<V1ConfigMap>(json);
            if (await TryGetConfigMapAsync(ns, name) is null)
            {
                await Client.CoreV1.CreateNamespacedConfigMapAsync(configMap, ns);
            }
            else
            {
                await Client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, name, ns);
            }
        }
        else
        {
            throw new ArgumentException($"cannot apply v1 {kind}");
        }
    }

    public static string PluralOf(string kind) => kind switch
    {
        "TrustBundle" => "trustbundles",
        "ServerCertificate" => "servercertificates",
        "ClientAuthPolicy" => "clientauthpolicies",
        "MtlsListener" => "mtlslisteners",
        "ClientCertificateAuthority" => "clientcertificateauthorities",
        "IssuedClientCertificate" => "issuedclientcertificates",
        "ClientCertificateRevocation" => "clientcertificaterevocations",
        _ => throw new ArgumentException($"unknown kind {kind}"),
    };
}
