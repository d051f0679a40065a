using System.Net;
using System.Net.Sockets;
using System.Text;
using MtlsOperator.Engine.Rendering.Nginx;
using MtlsOperator.Engine.Serving;
using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.Tests.Sidecar;

/// <summary>An upstream given by DNS name behind nginx: the sidecar writes the resolver file the rendered config includes from the
/// pod's resolv.conf before nginx checks and starts it, so requests reach the upstream instead of getting 502.</summary>
public sealed class NginxResolverFileTests
{
    private const string UpstreamName = "app.sidecar-dns.test";
    private static readonly TimeSpan s_within = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task An_admitted_client_reaches_an_upstream_named_by_dns_through_the_supervisor_using_the_pods_nameserver()
    {
        var missing = ProxyBinary.MissingReason("nginx");
        Skip.If(missing is not null, missing);
        // resolv.conf names a nameserver without a port, so the test's nameserver takes port 53 of a loopback address of its own.
        var nameserver = new IPAddress([127, 53, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
        TestDnsServer dns;
        try
        {
            dns = new TestDnsServer(UpstreamName, new IPEndPoint(nameserver, 53));
        }
        catch (SocketException e)
        {
            Skip.If(true, $"cannot bind a nameserver on {nameserver}:53 ({e.SocketErrorCode}); needs root or CAP_NET_BIND_SERVICE");
            return;
        }

        await using var _ = dns;
        dns.Publish();
        await using var upstream = EchoUpstream.Start();
        var mount = Directory.CreateTempSubdirectory("mtls-volume-").FullName;
        var resolvConf = Path.Combine(Directory.CreateTempSubdirectory("mtls-resolv-").FullName, "resolv.conf");
        File.WriteAllText(resolvConf, $"search apps.svc.cluster.local svc.cluster.local\nnameserver {nameserver}\noptions ndots:5\n");
        var port = FreePort.Next();
        var name = $"dns-{port}";
        try
        {
            var files = Render(name, mount, port, upstream.Port);
            Assert.Contains("-resolver.con[f];", files["nginx.conf"], StringComparison.Ordinal);
            KubeletSecretVolume.Project(mount, files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetBytes(f.Value)), DateTime.UtcNow);

            await using var sidecar = await RunningSidecar.StartAsync("nginx", mount, ProxyBinary.Find("nginx")!, resolvConf: resolvConf);
            await sidecar.WaitAsync(r => r.State == SidecarState.Serving, "nginx serves", s_within);

            Assert.EndsWith($"resolver {nameserver} valid=10s;\n", File.ReadAllText(NginxRuntimePaths.ResolverFile(ListenerManifests.Namespace, name)), StringComparison.Ordinal);
            var probe = new TlsProbe(port, ProxyPki.Instance.ServerRoot.Certificate);
            var admitted = await probe.GetAsync(ProxyPki.Instance.Pinned, "api.test");
            Assert.True(admitted.IsAdmitted, $"{admitted} ({dns.Queries} DNS queries)\n--- sidecar log:\n{sidecar.Log}");
            Assert.NotEmpty(upstream.Requests);
            Assert.True(dns.Queries > 0, "nginx asked the pod's nameserver");
        }
        finally
        {
            Directory.Delete(mount, recursive: true);
            Directory.Delete(Path.GetDirectoryName(resolvConf)!, recursive: true);
            foreach (var entry in Directory.EnumerateFileSystemEntries("/tmp", $"mtls-{ListenerManifests.Namespace}-{name}-nginx*"))
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
    }

    /// <summary>The pinned scenario rendered by <c>render</c>, its upstream given by <see cref="UpstreamName"/>.</summary>
    private static IReadOnlyDictionary<string, string> Render(string name, string mount, int port, int upstreamPort)
    {
        var manifests = Directory.CreateTempSubdirectory("mtls-manifests-").FullName;
        try
        {
            var yaml = ListenerManifests.Yaml(ProxyKind.Nginx, Scenarios.Pinned(ProxyKind.Nginx), name, port, upstreamPort)
                .Replace("  upstreamHost: 127.0.0.1\n", $"  upstreamHost: {UpstreamName}\n", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(manifests, "listener.yaml"), yaml);
            var result = CliRender.RunYaml(manifests, ListenerManifests.Namespace, name + "-mtls", mount);
            Assert.True(result.ExitCode == 0, result.Output);
            return result.Files;
        }
        finally
        {
            Directory.Delete(manifests, recursive: true);
        }
    }
}
