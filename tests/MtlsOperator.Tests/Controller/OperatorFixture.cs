using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using MtlsOperator.Cli;
using MtlsOperator.Controller;
using TestApiServer;

namespace MtlsOperator.Tests.Controller;

/// <summary>A test API server plus operator instances running against it in-process through the real KubernetesClient.</summary>
internal sealed class OperatorFixture : IAsyncDisposable
{
    private readonly List<(OperatorHost Host, CancellationTokenSource Stop, Task Run)> _operators = [];

    private OperatorFixture(TestKubeApiServer server)
    {
        Server = server;
        Client = server.CreateClient();
    }

    public TestKubeApiServer Server { get; }

    public Kubernetes Client { get; }

    public ILoggerFactory Loggers { get; } = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));

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
    };

    /// <summary>Starts an operator; stop it with <see cref="StopAsync"/> or at dispose.</summary>
    public OperatorHost StartOperator(OperatorOptions? options = null)
    {
        var host = new OperatorHost(Server.CreateClient(), options ?? TestOptions(), Loggers);
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

    /// <summary>Creates or replaces every object of a multi-document YAML text, like <c>kubectl apply</c>.</summary>
    public async Task ApplyAsync(string yaml, string @namespace = "apps")
    {
        foreach (var document in ManifestYaml.ReadDocuments(yaml).OfType<JsonObject>())
        {
            document["metadata"]!["namespace"] ??= @namespace;
            var ns = (string)document["metadata"]!["namespace"]!;
            var name = (string)document["metadata"]!["name"]!;
            var apiVersion = (string)document["apiVersion"]!;
            var kind = (string)document["kind"]!;
            if (apiVersion == "v1")
            {
                await ApplyCoreAsync(kind, ns, name, document);
                continue;
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

    public Task WaitReadyAsync(string plural, string name, string status = "True", string ns = "apps", TimeSpan? timeout = null) =>
        Eventually(async () => (string?)(await ReadyAsync(plural, name, ns))?["status"] == status, $"{plural}/{name} is Ready={status}", timeout);

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

        Client.Dispose();
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
            try
            {
                await Client.CoreV1.CreateNamespacedConfigMapAsync(configMap, ns);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                await Client.CoreV1.ReplaceNamespacedConfigMapAsync(configMap, name, ns);
            }
        }
        else
        {
            throw new ArgumentException($"cannot apply v1 {kind}");
        }
    }

    private static string PluralOf(string kind) => kind switch
    {
        "TrustBundle" => "trustbundles",
        "ServerCertificate" => "servercertificates",
        "ClientAuthPolicy" => "clientauthpolicies",
        "MtlsListener" => "mtlslisteners",
        _ => throw new ArgumentException($"unknown kind {kind}"),
    };
}
