using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using MtlsOperator.Cli;
using MtlsOperator.Controller;
using MtlsOperator.Controller.Caching;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Serving;
using MtlsOperator.Runtime;
using MtlsOperator.Tests.Cli;
using TestPki;

namespace MtlsOperator.Tests.Controller;

/// <summary>What the operator's caches keep: every field it reads, no managedFields, and outputs only their owner reads as digests.</summary>
public sealed class CachedFormTests
{
    [Fact]
    public async Task A_listeners_output_secret_and_its_certificates_pins_are_cached_as_digests_of_what_the_server_holds()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx);
        var cache = host.Cache!;

        var output = Assert.IsType<DigestedSecret>(cache.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls")));
        var served = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
        Assert.Null(output.Data);
        Assert.Equal(OutputContentHash.Of(served.Data), output.ContentHash);
        Assert.Equal(OutputDigest.Of(served), OutputDigest.Of(output));
        Assert.Equal(served.Metadata.ResourceVersion, output.Metadata.ResourceVersion);

        var pins = Assert.IsType<DigestedConfigMap>(cache.ConfigMaps.Cache.Get(new ObjectKey("apps", "agent-pins")));
        Assert.Null(pins.Data);
        Assert.Equal(OutputDigest.Of((await fx.TryGetConfigMapAsync("apps", "agent-pins"))!), OutputDigest.Of(pins));

        // Inputs, and the bundle's output that listeners' bundles read, stay whole.
        Assert.IsNotType<DigestedSecret>(cache.Secrets.Cache.Get(new ObjectKey("apps", "agent-tls")));
        Assert.IsNotType<DigestedConfigMap>(cache.ConfigMaps.Cache.Get(new ObjectKey("apps", "corp-ca")));
    }

    [Fact]
    public async Task A_resources_name_and_uid_are_one_instance_in_its_own_metadata_and_in_every_cached_object_that_names_it()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx);
        var cache = host.Cache!;

        var listener = cache.Listeners.Cache.Get(new ObjectKey("apps", "agent"))!;
        var certificate = cache.ServerCertificates.Cache.Get(new ObjectKey("apps", "agent"))!;
        var tls = cache.Secrets.Cache.Get(new ObjectKey("apps", "agent-tls"))!;
        var output = cache.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls"))!;
        var pins = cache.ConfigMaps.Cache.Get(new ObjectKey("apps", "agent-pins"))!;

        // Each was read from its own JSON: equal names would be separate strings but for the table.
        Assert.Same(certificate.Metadata.Name, listener.Spec.ServerCertificateRefs.Single().Name);
        Assert.Same(tls.Metadata.Name, certificate.Spec.SecretRef!.Name);
        Assert.Same(output.Metadata.Name, listener.Status!.OutputSecret);
        Assert.Same(listener.Metadata.Name, output.Metadata.OwnerReferences.Single().Name);
        Assert.Same(listener.Metadata.Uid, output.Metadata.OwnerReferences.Single().Uid);
        Assert.Same(listener.Metadata.Name, output.Metadata.Labels[OutputMetadata.OwnerNameLabel]);
        Assert.Same(certificate.Metadata.Name, pins.Metadata.OwnerReferences.Single().Name);
        Assert.Same(certificate.Metadata.Uid, pins.Metadata.OwnerReferences.Single().Uid);
    }

    [Fact]
    public async Task An_output_secret_someone_else_changed_is_put_back_although_the_cache_holds_only_its_digest()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var host = await ConvergedAsync(fx);
        var good = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;

        foreach (var key in good.Data.Keys.Order(StringComparer.Ordinal))
        {
            // One byte of one file changed, keys and sizes alike: only the data differs.
            var edited = (await fx.TryGetSecretAsync("apps", "agent-mtls"))!;
            edited.Data[key] = [.. edited.Data[key][..^1], (byte)(edited.Data[key][^1] ^ 1)];
            await fx.Client.CoreV1.ReplaceNamespacedSecretAsync(edited, "agent-mtls", "apps");

            await OperatorFixture.Eventually(
                async () => await fx.TryGetSecretAsync("apps", "agent-mtls") is { } s && OutputOf.SameData(s, good),
                $"the operator put {key} back");
        }

        await fx.WaitSettledAsync(host);
        Assert.IsType<DigestedSecret>(host.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls")));
    }

    [Fact]
    public async Task A_pins_configmap_someone_else_emptied_is_put_back()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await ConvergedAsync(fx);
        var good = (await fx.TryGetConfigMapAsync("apps", "agent-pins"))!;

        var edited = (await fx.TryGetConfigMapAsync("apps", "agent-pins"))!;
        edited.Data = new Dictionary<string, string>();
        await fx.Client.CoreV1.ReplaceNamespacedConfigMapAsync(edited, "agent-pins", "apps");

        await OperatorFixture.Eventually(
            async () => await fx.TryGetConfigMapAsync("apps", "agent-pins") is { } c && OutputDigest.Of(c) == OutputDigest.Of(good),
            "the operator put the pins back");
    }

    [Fact]
    public async Task An_output_secret_a_bundle_starts_reading_is_read_in_full_and_the_bundle_gets_its_data()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var manifests = new ListenerManifests();
        var host = await ConvergedAsync(fx, manifests);
        Assert.IsType<DigestedSecret>(host.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls")));

        // Someone builds a bundle from the CA file the listener's output carries: a reference made after the output was cached.
        await fx.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = Manifests.Group,
            ["kind"] = "TrustBundle",
            ["metadata"] = new JsonObject { ["name"] = "from-output", ["namespace"] = "apps" },
            ["spec"] = new JsonObject
            {
                ["sources"] = new JsonArray(new JsonObject { ["secret"] = new JsonObject { ["name"] = "agent-mtls", ["key"] = "ca.crt" } }),
            },
        });

        await fx.WaitReadyAsync("trustbundles", "from-output");
        var bundleOutput = (await fx.TryGetConfigMapAsync("apps", "from-output-ca"))!;
        Assert.Contains(PemExport.Certificate(manifests.Root.Certificate).Trim(), bundleOutput.Data["ca.crt"], StringComparison.Ordinal);
        Assert.IsNotType<DigestedSecret>(host.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls")));

        // And on a restart, with the reference known before the Secrets are listed, it is cached whole from the start.
        await fx.StopAsync(host);
        var restarted = fx.StartOperator();
        await fx.WaitSettledAsync(restarted);
        Assert.IsNotType<DigestedSecret>(restarted.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-mtls")));
        Assert.IsType<DigestedConfigMap>(restarted.Cache!.ConfigMaps.Cache.Get(new ObjectKey("apps", "agent-pins")));
    }

    [Fact]
    public async Task Cached_resources_and_inputs_hold_everything_the_server_sent_but_managed_fields()
    {
        await using var fx = await OperatorFixture.StartAsync();
        var documents = ManifestYaml.ReadDocuments(new ListenerManifests().Yaml()).OfType<JsonObject>().ToList();
        foreach (var document in documents)
        {
            document["metadata"]!["managedFields"] = new JsonArray(new JsonObject
            {
                ["manager"] = "kubectl",
                ["operation"] = "Apply",
                ["apiVersion"] = (string)document["apiVersion"]!,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = new JsonObject { ["f:spec"] = new JsonObject() },
            });
            document["metadata"]!["labels"] = new JsonObject { ["team"] = "payments", ["app.kubernetes.io/part-of"] = "checkout" };
            document["metadata"]!["annotations"] = new JsonObject { ["note"] = new string('x', 300) };
        }

        var host = fx.StartOperator();
        await fx.ApplyAsync(documents, "apps");
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        var cache = host.Cache!;

        static string WithoutManagedFields(IKubernetesObject<V1ObjectMeta> o)
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(o))!;
            Assert.NotNull(json["metadata"]!["managedFields"]);
            json["metadata"]!.AsObject().Remove("managedFields");
            return json.ToJsonString();
        }

        async Task AssertSameAsServer<T>(T? cached, string plural)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            Assert.NotNull(cached);
            Assert.Null(cached.Metadata.ManagedFields);
            var server = await fx.Client.CustomObjects.GetNamespacedCustomObjectAsync<T>("mtls-operator.io", "v1alpha1", "apps", plural, cached.Metadata.Name);
            Assert.Equal(WithoutManagedFields(server), KubernetesJson.Serialize(cached));
        }

        await AssertSameAsServer(cache.Listeners.Cache.Get(new ObjectKey("apps", "agent")), "mtlslisteners");
        await AssertSameAsServer(cache.ServerCertificates.Cache.Get(new ObjectKey("apps", "agent")), "servercertificates");
        await AssertSameAsServer(cache.ClientAuthPolicies.Cache.Get(new ObjectKey("apps", "controller-only")), "clientauthpolicies");
        await AssertSameAsServer(cache.TrustBundles.Cache.Get(new ObjectKey("apps", "corp")), "trustbundles");
        var tls = cache.Secrets.Cache.Get(new ObjectKey("apps", "agent-tls"))!;
        Assert.Null(tls.Metadata.ManagedFields);
        Assert.Equal(WithoutManagedFields(await fx.Client.CoreV1.ReadNamespacedSecretAsync("agent-tls", "apps")), KubernetesJson.Serialize(tls));
    }

    [Fact]
    public async Task Secrets_and_config_maps_listed_without_kind_are_cached_as_a_watch_or_read_would_give_them()
    {
        await using var fx = await OperatorFixture.StartAsync();
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        // The server lists built-in kinds as a real one does: the items carry no kind or apiVersion.
        Assert.All((await fx.Client.CoreV1.ListNamespacedSecretAsync("apps")).Items, item => Assert.Null(item.ApiVersion));

        // Started after the TLS Secret exists, the operator first sees it in its informer's list page; restarted, it lists the
        // pins ConfigMap its first run wrote.
        var first = fx.StartOperator();
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(first);
        Assert.Equal("v1", first.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-tls"))!.ApiVersion);
        await fx.StopAsync(first);
        var host = fx.StartOperator();
        await fx.WaitSettledAsync(host);

        var tls = host.Cache!.Secrets.Cache.Get(new ObjectKey("apps", "agent-tls"))!;
        Assert.Equal(KubernetesJson.Serialize(await fx.Client.CoreV1.ReadNamespacedSecretAsync("agent-tls", "apps")), KubernetesJson.Serialize(tls));
        var pins = host.Cache!.ConfigMaps.Cache.Get(new ObjectKey("apps", "agent-pins"));
        Assert.Equal(("v1", "ConfigMap"), (pins?.ApiVersion, pins?.Kind));
    }

    [Fact]
    public async Task A_status_written_with_null_conditions_chain_subjects_and_pins_is_cached_and_put_back()
    {
        await using var fx = await OperatorFixture.StartAsync();
        // Status-only changes are not reconciled on their watch event: the next resync puts a status back.
        fx.StartOperator(OperatorFixture.TestOptions() with { ResyncPeriod = TimeSpan.FromMilliseconds(200) });
        await fx.ApplyAsync(new ListenerManifests().Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        var certificate = await fx.Client.CustomObjects.GetNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "servercertificates", "agent");
        var node = JsonNode.Parse(KubernetesJson.Serialize(certificate))!.AsObject();
        var good = WithoutTransitionTimes(node["status"]!);
        node["status"]!["conditions"] = new JsonArray(null, JsonNode.Parse("""{"type":"Ready","status":"False","reason":null,"message":null}"""));
        node["status"]!["chain"] = new JsonArray(null, null);
        node["status"]!["pins"] = new JsonArray(null, JsonNode.Parse("""{"role":null,"keyAlgorithm":null}"""));
        node["status"]!["issuer"] = null;
        await fx.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(node, "mtls-operator.io", "v1alpha1", "apps", "servercertificates", "agent");

        await OperatorFixture.Eventually(async () =>
        {
            var now = await fx.Client.CustomObjects.GetNamespacedCustomObjectAsync("mtls-operator.io", "v1alpha1", "apps", "servercertificates", "agent");
            return WithoutTransitionTimes(JsonNode.Parse(KubernetesJson.Serialize(now))!["status"]!) == good;
        }, "the operator put the certificate's status back");
    }

    // The put-back status times its Ready transition anew: it went through the False written above.
    private static string WithoutTransitionTimes(JsonNode status)
    {
        var copy = status.DeepClone();
        foreach (var condition in copy["conditions"]!.AsArray())
        {
            (condition as JsonObject)?.Remove("lastTransitionTime");
        }

        return copy.ToJsonString();
    }

    private static async Task<OperatorHost> ConvergedAsync(OperatorFixture fx, ListenerManifests? manifests = null)
    {
        var host = fx.StartOperator();
        await fx.ApplyAsync((manifests ?? new ListenerManifests()).Yaml());
        await fx.WaitReadyAsync("mtlslisteners", "agent");
        await fx.WaitSettledAsync(host);
        return host;
    }
}
