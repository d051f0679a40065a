using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;
using MtlsOperator.Engine.Rendering;
using TestPki;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>Renders a scenario straight through a renderer, the way the listener evaluator calls it: the output Secret's files,
/// keyed as in the Secret. Used where the model matters (loopback-only listening, refusals of a model the engine would never
/// build); the suite otherwise renders manifests through the CLI (<see cref="CliRender"/>).</summary>
public static class RenderedListener
{
    /// <summary>Strongest first, as the listener evaluator prefers them.</summary>
    private static readonly PinAlgorithm[] s_preference = [PinAlgorithm.Sha256, PinAlgorithm.SpkiSha256, PinAlgorithm.Sha1];

    public static ListenerRenderModel Model(ProxyKind kind, ListenerScenario scenario, string name, string mountPath, int listenPort, int upstreamPort)
    {
        var renderer = kind.Renderer();
        var pki = ProxyPki.Instance;
        var pins = scenario.Pins.Select((pin, i) => pin.ToEntry(i)).Select(entry =>
            s_preference.Where(renderer.SupportedPinAlgorithms.Contains)
                .Select(a => entry.Forms.FirstOrDefault(f => f.Algorithm == a)).FirstOrDefault(f => f is not null)
            ?? entry.Forms[0]).ToImmutableArray();
        return new ListenerRenderModel(
            ListenerManifests.Namespace,
            name,
            listenPort,
            "127.0.0.1",
            upstreamPort,
            mountPath,
            [.. scenario.Servers.Select((s, i) => i == 0
                ? new ServerCertificateFiles(s.Name, s.Hostnames, "tls.crt", "tls.key")
                : new ServerCertificateFiles(s.Name, s.Hostnames, $"sni-{s.Name}.crt", $"sni-{s.Name}.key"))],
            "ca.crt",
            scenario.CheckRevocation ? "ca.crl" : null,
            scenario.CheckRevocation && scenario.RootCrlMissing ? [ProxyPki.SubjectOf(pki.ClientRoot.Certificate)] : [],
            pins,
            scenario.Rules,
            scenario.IdentityHeader)
        {
            ListenAddress = "127.0.0.1",
            ForwardClientCertificate = scenario.ForwardClientCertificate,
        };
    }

    /// <summary>Every file of the output Secret; throws with the renderer's reasons when it refuses the scenario.</summary>
    public static IReadOnlyDictionary<string, string> Files(ProxyKind kind, ListenerScenario scenario, string name, string mountPath, int listenPort, int upstreamPort)
    {
        var model = Model(kind, scenario, name, mountPath, listenPort, upstreamPort);
        var renderer = kind.Renderer();
        var refusals = renderer.FindUnenforceable(model);
        if (refusals.Count > 0)
        {
            throw new InvalidOperationException($"{kind} refuses scenario {scenario.Name}: {string.Join(" ", refusals)}");
        }

        var pki = ProxyPki.Instance;
        var files = new Dictionary<string, string>(StringComparer.Ordinal) { ["ca.crt"] = pki.ClientBundlePem };
        for (var i = 0; i < scenario.Servers.Length; i++)
        {
            var server = scenario.Servers[i];
            files[model.ServerCertificates[i].CertificateFile] = pki.ServerChainPem(server.Certificate);
            files[model.ServerCertificates[i].KeyFile] = PemExport.PrivateKey(server.Certificate);
        }

        if (model.CrlFile is { } crl)
        {
            files[crl] = scenario.RootCrlMissing ? pki.ClientIssuing.CreateCrlPem() : pki.AllCrlsPem;
        }

        foreach (var (key, content) in renderer.Render(model))
        {
            files[key] = content;
        }

        foreach (var (copy, source) in renderer.FileCopies(model))
        {
            files[copy] = files[source];
        }

        return files;
    }
}
