using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.ProxyTests.Infrastructure;
using MtlsOperator.ProxyTests.Loadability;

namespace MtlsOperator.ProxyTests;

/// <summary>An upstream given by a name that does not resolve yet: the proxy starts anyway (an admitted client gets 502/503, never
/// another upstream), and once the name resolves requests reach the app without a reload. The pod's nameserver is played by a
/// <see cref="TestDnsServer"/>: HAProxy's <c>parse-resolv-conf</c> is pointed at it, nginx gets it in the resolver file the sidecar writes.</summary>
public sealed class UpstreamResolutionTests
{
    private const string UpstreamName = "app.resolve-later.test";
    private static readonly TimeSpan s_resolveTimeout = TimeSpan.FromSeconds(30);

    [SkippableTheory]
    [InlineData(ProxyKind.Haproxy)]
    [InlineData(ProxyKind.Nginx)]
    public async Task A_name_that_resolves_only_later_is_used_once_it_resolves(ProxyKind kind)
    {
        Skip.If(ProxyBinary.MissingReason(kind.Binary()) is not null, ProxyBinary.MissingReason(kind.Binary()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var dns = new TestDnsServer(UpstreamName);
        await using var upstream = EchoUpstream.Start();
        using var mount = new MountedSecret();
        var port = FreePort.Next();
        var name = "resolve-" + kind.Binary();
        var ns = "resolution";
        var files = Render(kind, name, ns, port, upstream.Port, mount.Path);
        if (kind == ProxyKind.Haproxy)
        {
            // The pod's /etc/resolv.conf, played by the test server.
            files["haproxy.cfg"] = files["haproxy.cfg"].Replace("    parse-resolv-conf\n", $"    nameserver test 127.0.0.1:{dns.Port}\n", StringComparison.Ordinal);
        }

        mount.Write(files);
        var resolverFile = NginxRuntimePaths.ResolverFile(ns, name);
        if (kind == ProxyKind.Nginx)
        {
            File.WriteAllText(resolverFile, NginxResolver.FileContent("nameserver 127.0.0.1\n").Replace("127.0.0.1 ", $"127.0.0.1:{dns.Port} ", StringComparison.Ordinal));
        }

        var config = Path.Combine(mount.Path, kind.Renderer().ConfigFileName);
        await using var proxy = kind == ProxyKind.Haproxy
            ? (ProxyProcess)new HaproxyProcess(config, port)
            : new NginxProcess(config, port, NginxRuntimePaths.Prefix(ns, name));
        try
        {
            Assert.True(await proxy.StartAsync(timeout.Token), $"{kind} did not start with an unresolvable upstream:\n{proxy.Log}");
            var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);

            var before = await probe.GetAsync(ProxyPki.Instance.Pinned, cancellationToken: timeout.Token);
            Assert.True(before.Status is 502 or 503, $"before the name resolves: {before}\n{proxy.Log}");
            Assert.Empty(upstream.Requests);

            dns.Publish();
            var deadline = DateTime.UtcNow + s_resolveTimeout;
            ProbeResult after;
            do
            {
                await Task.Delay(200, timeout.Token);
                after = await probe.GetAsync(ProxyPki.Instance.Pinned, cancellationToken: timeout.Token);
            }
            while (!after.IsAdmitted && DateTime.UtcNow < deadline);

            Assert.True(after.IsAdmitted, $"after the name resolved: {after} ({dns.Queries} DNS queries)\n{proxy.Log}");
            Assert.NotEmpty(upstream.Requests);
        }
        finally
        {
            File.Delete(resolverFile);
        }
    }

    /// <summary>The listener's output files, rendered by the engine for a pinned client and an upstream given by name.</summary>
    private static Dictionary<string, string> Render(ProxyKind kind, string name, string ns, int listenPort, int upstreamPort, string mountPath)
    {
        var listener = new GeneratedListener(name, listenPort, upstreamPort, UpstreamName, false, [new GeneratedServer(["resolve.example"], ServerFlaw.None)],
            [], [], PinAClientCertificate: true, [], null, false, false);
        var result = new TrustEngine().EvaluateAll(ResourceSnapshot.Of(GeneratedWorld.Build(listener, ns, kind.Binary(), mountPath)), DateTimeOffset.UtcNow);
        var ready = result.Outcomes.Single(o => o.Resource is Engine.Api.MtlsListener).Ready;
        Assert.True(ready.Status == "True", $"{ready.Reason}: {ready.Message}");
        var secret = result.Outputs.OfType<k8s.Models.V1Secret>().Single(s => s.Metadata.Name == name + "-mtls");
        return secret.Data.ToDictionary(d => d.Key, d => System.Text.Encoding.UTF8.GetString(d.Value), StringComparer.Ordinal);
    }
}
