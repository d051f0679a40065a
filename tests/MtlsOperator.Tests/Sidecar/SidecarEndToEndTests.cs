using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Serving;
using MtlsOperator.ProxyTests.Infrastructure;
using MtlsOperator.Tests.Controller;
using TestPki;
using Xunit.Abstractions;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>
/// The last mile, end to end: the real operator against the test API server writes the output Secret, an emulated kubelet
/// projects it into a directory as its atomic writer does, and the real sidecar supervisor runs the real proxy over that
/// directory on loopback. Every change goes through the API only, with an admitted client requesting throughout; each
/// must reach what a client sees, and the listener's <c>status.pods</c> and <c>Served</c> condition (computed by the operator
/// from the sidecar's /status, reached through an injected pod object as in a cluster), within <see cref="s_withinSeconds"/>
/// of the API write.
/// </summary>
public abstract class SidecarEndToEndTests(string proxy, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>API write -> operator -> output Secret -> kubelet sync (250 ms here, about a minute in a cluster) -> check -> reload.</summary>
    private static readonly TimeSpan s_withinSeconds = TimeSpan.FromSeconds(20);
    private const string Ns = "apps";
    private const string Host = "agent.example.com";
    private const string Pod = "agent-0";

    /// <summary>The operator asks sidecars every 200 ms (15 s by default): the stated times cover the status path too.</summary>
    private static readonly MtlsOperator.Controller.OperatorOptions s_options =
        OperatorFixture.TestOptions() with { SidecarPollPeriod = TimeSpan.FromMilliseconds(200), SidecarPollTimeout = TimeSpan.FromSeconds(5) };

    private readonly string? _skipReason = ProxyBinary.MissingReason(proxy);
    private readonly TestCertificateAuthority _root = TestCertificateAuthority.CreateRoot("CN=Sidecar Test Root,O=Test");
    private readonly string _name = "edge-" + proxy;
    private readonly string _mount = Directory.CreateTempSubdirectory("mtls-volume-").FullName;
    private EchoUpstream? _upstream;
    private string? _served;

    public Task InitializeAsync()
    {
        if (_skipReason is null)
        {
            _upstream = EchoUpstream.Start();
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        Directory.Delete(_mount, recursive: true);
        // nginx's pid file and temp directories (NginxRuntimePaths) live under /tmp, named per listener.
        foreach (var entry in Directory.EnumerateFileSystemEntries("/tmp", $"mtls-{Ns}-{_name}-nginx*"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    [SkippableFact]
    public async Task Rotation_pin_removal_revocation_and_a_broken_config_reach_clients_through_the_sidecar_without_a_failed_request()
    {
        Skip.If(_skipReason is not null, _skipReason);
        await using var fx = await OperatorFixture.StartAsync();
        var host = fx.StartOperator(s_options);
        var admitted = _root.IssueClient("CN=admitted,O=Test");
        var unpinned = _root.IssueClient("CN=unpinned-later,O=Test");
        var revoked = _root.IssueClient("CN=revoked-later,O=Test");
        var port = FreePort.Next();
        await fx.ApplyAsync(
            Manifests.TlsSecret(Ns, "agent-tls", _root.IssueServer(Host)),
            Manifests.InlineBundle(Ns, "partners", PemExport.Certificate(_root.Certificate)),
            Manifests.ServerCertificate(Ns, "agent", "agent-tls", Host),
            Policy(admitted, unpinned, revoked),
            Listener(port));
        await fx.WaitReadyAsync("mtlslisteners", _name);

        await using var kubelet = new KubeletSecretVolume(fx.Client, Ns, _name + "-mtls", _mount, TimeSpan.FromMilliseconds(250));
        await using var sidecar = await RunningSidecar.StartAsync(proxy, _mount, ProxyBinary.Find(proxy)!);
        var first = await WaitServedAsync(fx, sidecar, "the first output is served");
        Assert.Equal(200, await sidecar.ReadyzAsync());
        Assert.Equal(0, first.Reloads);
        await Rollout.InjectedPod.CreateAsync(fx.Client, Ns, Pod, _name, sidecar.StatusPort);
        await WaitStatusAsync(fx, "the pod serves the first output", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");

        var probe = new TlsProbe(port, _root.Certificate);
        await using var traffic = await SteadyTraffic.StartAsync(() => probe.GetAsync(admitted, Host));

        // 1. cert-manager renews the server certificate. Until kubelet syncs the volume the pod serves the previous output: stale.
        var renewed = _root.IssueServer(Host);
        kubelet.Paused = true;
        await fx.ApplyAsync(Manifests.TlsSecret(Ns, "agent-tls", renewed));
        await WaitStatusAsync(fx, "the pod is stale until kubelet syncs", current: 0, stale: 1, rejected: 0, "False", "RollingOut");
        kubelet.Paused = false;
        await WaitServedAsync(fx, sidecar, "the renewed certificate is served", renewed);
        Assert.Equal(renewed.Thumbprint, (await probe.GetAsync(admitted, Host)).ServerCertificate?.Thumbprint);
        await WaitStatusAsync(fx, "the pod serves the renewed certificate", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");
        AssertNoFailure(traffic, sidecar);

        // 2. A partner's pin is removed.
        Assert.True((await probe.GetAsync(unpinned, Host)).IsAdmitted);
        await fx.ApplyAsync(Policy(admitted, revoked));
        await WaitServedAsync(fx, sidecar, "the policy without the pin is served");
        var removed = await probe.GetAsync(unpinned, Host);
        Assert.Equal((ProbeOutcome.Response, 403), (removed.Outcome, removed.Status));
        await WaitStatusAsync(fx, "the pod serves the policy without the pin", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");
        AssertNoFailure(traffic, sidecar);

        // 3. The CA publishes a CRL revoking an admitted client.
        Assert.True((await probe.GetAsync(revoked, Host)).IsAdmitted);
        _root.Revoke(revoked);
        await fx.ApplyAsync(CrlConfigMap(), BundleWithCrl());
        var withCrl = await WaitServedAsync(fx, sidecar, "the CRL is served");
        Assert.True(fx.TryGetSecretAsync(Ns, _name + "-mtls").Result!.Data.ContainsKey("ca.crl"));
        var refused = await probe.GetAsync(revoked, Host);
        Assert.False(refused.IsAdmitted, $"revoked client: {refused}");
        await WaitStatusAsync(fx, "the pod serves the CRL", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");
        AssertNoFailure(traffic, sidecar);

        // 4. A version the proxy refuses: a server key OpenSSL's security level rejects. The operator refuses such a key itself
        //    (ServerCertificate WeakKey, output untouched), so it reaches the mount only as a hand-written (or older operator's) output.
        //    With the operator stopped nothing updates the listener's status: this step is judged on the sidecar's own report.
        var weak = _root.IssueServer(new LeafOptions { Key = TestKeyKind.Rsa1024, DnsNames = [Host] });
        var beforeWeak = (await fx.TryGetSecretAsync(Ns, _name + "-mtls"))!;
        await fx.ApplyAsync(Manifests.TlsSecret(Ns, "agent-tls", weak));
        await fx.WaitReadyAsync("servercertificates", "agent", "False");
        Assert.Equal("WeakKey", (await fx.ReadyAsync("servercertificates", "agent"))?["reason"]?.GetValue<string>());
        await fx.StopAsync(host);
        Assert.Equal(OutputContentHash.Of(beforeWeak.Data), OutputContentHash.Of((await fx.TryGetSecretAsync(Ns, _name + "-mtls"))!.Data));
        var brokenHash = await WriteOutputByHandAsync(fx, beforeWeak, weak);
        var stopwatch = Stopwatch.StartNew();
        var (rejectedReport, tookRejected) = await sidecar.WaitAsync(r => r.RejectedContentHash == brokenHash, "the broken version is reported rejected", s_withinSeconds);
        output.WriteLine($"{proxy}: broken version reported as rejected {tookRejected.TotalSeconds:0.0} s after it reached the API");
        Assert.Equal(withCrl.ServedContentHash, rejectedReport.ServedContentHash);
        Assert.Equal(SidecarState.Serving, rejectedReport.State);
        // The proxy's own words, naming the file it could not serve (nginx adds OpenSSL's "ee key too small").
        Assert.True(rejectedReport.RejectedError?.Contains("/tls.crt", StringComparison.Ordinal), rejectedReport.RejectedError);
        Assert.Equal(200, await sidecar.ReadyzAsync());
        var stillServed = await probe.GetAsync(admitted, Host);
        Assert.True(stillServed.IsAdmitted, stillServed.ToString());
        Assert.Equal(renewed.Thumbprint, stillServed.ServerCertificate?.Thumbprint);
        var metrics = (await sidecar.MetricsAsync()).Split('\n');
        Assert.Contains($"mtls_sidecar_served_config_info{{proxy=\"{proxy}\",hash=\"{withCrl.ServedContentHash}\"}} 1", metrics);
        Assert.Contains($"mtls_sidecar_rejected_configs_total{{proxy=\"{proxy}\"}} 1", metrics);
        Assert.Contains($"mtls_sidecar_config_rejected{{proxy=\"{proxy}\"}} 1", metrics);
        // One reload per change at least (the operator may write a change in more than one step; each is a version).
        Assert.True(withCrl.Reloads >= 3, withCrl.ToJson());
        Assert.Contains($"mtls_sidecar_reloads_total{{proxy=\"{proxy}\"}} {withCrl.Reloads}", metrics);
        Assert.Contains($"mtls_sidecar_served_certificate_expiry_timestamp_seconds{{proxy=\"{proxy}\"}} {new DateTimeOffset(renewed.NotAfter.ToUniversalTime()).ToUnixTimeSeconds()}", metrics);

        // 5. Fixed: the operator is back, the next good version is served and nothing is reported rejected any more.
        fx.StartOperator(s_options);
        var fixedCertificate = _root.IssueServer(Host);
        await fx.ApplyAsync(Manifests.TlsSecret(Ns, "agent-tls", fixedCertificate));
        var recovered = await WaitServedAsync(fx, sidecar, "the fixed certificate is served", fixedCertificate);
        Assert.Null(recovered.RejectedContentHash);
        Assert.True(recovered.Reloads > withCrl.Reloads, recovered.ToJson());
        await WaitStatusAsync(fx, "the pod serves the fixed certificate", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");

        // 6. Broken through the API: the listener moves to a port another process in the pod holds. The rendered config is valid,
        //    so the operator writes it; the sidecar finds the port taken before asking the proxy to reload, keeps serving the
        //    previous version, and the listener's status says the pod rejected the current output, and why.
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        squatter.Start();
        var takenPort = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        await fx.ApplyAsync(Listener(takenPort));
        var rejectedStatus = await WaitStatusAsync(fx, "the pod rejected the output on a taken port", current: 0, stale: 0, rejected: 1, "False", "Rejected");
        var servedCondition = rejectedStatus["conditions"]!.AsArray().First(c => (string?)c!["type"] == "Served")!;
        Assert.Contains(Pod, (string?)servedCondition["message"], StringComparison.Ordinal);
        Assert.Contains($"cannot bind 127.0.0.1:{takenPort}", (string?)servedCondition["message"], StringComparison.Ordinal);
        var byPort = await sidecar.StatusAsync();
        Assert.Equal(recovered.ServedContentHash, byPort.ServedContentHash);
        Assert.Equal((string?)rejectedStatus["contentHash"], byPort.RejectedContentHash);
        Assert.True((await probe.GetAsync(admitted, Host)).IsAdmitted, "the previous version keeps serving");
        AssertNoFailure(traffic, sidecar);

        // 7. Reverted through the API: the output is again the one the pod serves.
        await fx.ApplyAsync(Listener(port));
        await WaitStatusAsync(fx, "the pod serves the reverted output", current: 1, stale: 0, rejected: 0, "True", "AllPodsServing");
        await sidecar.WaitAsync(r => r.RejectedContentHash is null && r.ServedContentHash == recovered.ServedContentHash, "the sidecar no longer reports a rejection", s_withinSeconds);
        await traffic.WaitForMoreAsync(3);
        AssertNoFailure(traffic, sidecar);
        output.WriteLine($"{proxy}: {traffic.Count} requests by the admitted client, none failed; {kubelet.Projections} projections");
    }

    /// <summary>Waits until the listener's status, as the operator computes it from the pod's sidecar, says the pod counts and the
    /// Served condition given, for the content hash the status names; reports how long that took.</summary>
    private async Task<JsonNode> WaitStatusAsync(OperatorFixture fx, string what, int current, int stale, int rejected, string served, string reason)
    {
        var started = Stopwatch.StartNew();
        JsonNode? status = null;
        while (started.Elapsed < s_withinSeconds)
        {
            status = await fx.StatusAsync("mtlslisteners", _name, Ns);
            var pods = status?["pods"];
            var condition = status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Served");
            if (pods is not null && (int?)pods["current"] == current && (int?)pods["stale"] == stale && (int?)pods["rejected"] == rejected
                && (int?)pods["unknown"] == 0 && (string?)condition?["status"] == served && (string?)condition?["reason"] == reason)
            {
                output.WriteLine($"{proxy}: listener status: {what} {started.Elapsed.TotalSeconds:0.0} s after the step");
                return status!;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"Timed out after {s_withinSeconds.TotalSeconds:0} s waiting until the listener status says {what}: {status?.ToJsonString()}");
    }

    /// <summary>Waits until the operator wrote a new output (unlike the one served before) and the sidecar serves it, with
    /// <paramref name="certificate"/> as its leaf when given; reports how long that took from the API write.</summary>
    private async Task<SidecarReport> WaitServedAsync(OperatorFixture fx, RunningSidecar sidecar, string what, X509Certificate2? certificate = null)
    {
        var before = _served;
        var started = Stopwatch.StartNew();
        string? hash = null;
        SidecarReport? served = null;
        while (started.Elapsed < s_withinSeconds)
        {
            var data = (await fx.TryGetSecretAsync(Ns, _name + "-mtls"))?.Data ?? new Dictionary<string, byte[]>();
            hash = OutputContentHash.Of(data);
            served = await sidecar.StatusAsync();
            if (hash != before && served.ServedContentHash == hash && (certificate is null || Serves(data, certificate)))
            {
                _served = hash;
                output.WriteLine($"{proxy}: {what} {started.Elapsed.TotalSeconds:0.0} s after the API write");
                Assert.Equal(SidecarState.Serving, served.State);
                return served;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}: output hash {hash}, sidecar {served?.ToJson()}\n--- sidecar log:\n{sidecar.Log}");
    }

    private static bool Serves(IDictionary<string, byte[]> output, X509Certificate2 certificate) =>
        output.TryGetValue("tls.crt", out var chain) && PemBlock.ReadAll(System.Text.Encoding.UTF8.GetString(chain)) is [var leaf, ..]
        && leaf.Der.Span.SequenceEqual(certificate.RawData);

    /// <summary>Puts <paramref name="certificate"/> and its key in the output Secret as an operator that did not check key strength
    /// would have; returns the new content hash.</summary>
    private async Task<string> WriteOutputByHandAsync(OperatorFixture fx, k8s.Models.V1Secret output, X509Certificate2 certificate)
    {
        var key = System.Text.Encoding.UTF8.GetBytes(PemExport.PrivateKey(certificate));
        output.Data["tls.crt"] = System.Text.Encoding.UTF8.GetBytes(PemExport.Certificate(certificate));
        output.Data["tls.key"] = key;
        if (output.Data.ContainsKey("tls.crt.key"))
        {
            output.Data["tls.crt.key"] = key;
        }

        await fx.Client.CoreV1.ReplaceNamespacedSecretAsync(output, output.Metadata.Name, output.Metadata.NamespaceProperty);
        return OutputContentHash.Of(output.Data);
    }

    private static void AssertNoFailure(SteadyTraffic traffic, RunningSidecar sidecar) =>
        Assert.True(traffic.Failures.IsEmpty, $"an admitted client failed: {traffic.Failures.FirstOrDefault()}\n--- sidecar log:\n{sidecar.Log}");

    private static JsonObject Policy(params X509Certificate2[] pinned) =>
        Manifests.PinnedPolicy(Ns, "partners", "partners", [.. pinned.Select(c => ("sha1", CertificateFingerprints.WithColons(CertificateFingerprints.Of(c).Sha1)))]);

    private JsonObject CrlConfigMap() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = "partner-crls", ["namespace"] = Ns },
        ["data"] = new JsonObject { ["ca.crl"] = _root.CreateCrlPem() },
    };

    private JsonObject BundleWithCrl()
    {
        var bundle = Manifests.InlineBundle(Ns, "partners", PemExport.Certificate(_root.Certificate));
        bundle["spec"]!["crls"] = new JsonArray(new JsonObject { ["configMap"] = new JsonObject { ["name"] = "partner-crls", ["key"] = "ca.crl" } });
        return bundle;
    }

    private JsonObject Listener(int port) => new()
    {
        ["apiVersion"] = Manifests.Group,
        ["kind"] = "MtlsListener",
        ["metadata"] = new JsonObject { ["name"] = _name, ["namespace"] = Ns },
        ["spec"] = new JsonObject
        {
            ["proxy"] = proxy,
            ["listenPort"] = port,
            ["upstreamPort"] = _upstream!.Port,
            ["serverCertificateRefs"] = new JsonArray(new JsonObject { ["name"] = "agent" }),
            ["clientAuthPolicyRef"] = new JsonObject { ["name"] = "partners" },
            ["mountPath"] = _mount,
        },
    };
}

public sealed class HaproxySidecarEndToEndTests(ITestOutputHelper output) : SidecarEndToEndTests("haproxy", output);

public sealed class NginxSidecarEndToEndTests(ITestOutputHelper output) : SidecarEndToEndTests("nginx", output);
