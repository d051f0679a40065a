using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Rendering;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>One server certificate of a rendered listener. <paramref name="Unpredictable"/> says why its leaf cannot be known
/// offline (a self-signed bootstrap certificate is generated in the cluster); then <paramref name="Leaf"/> is not compared.</summary>
public sealed record RenderedServerCertificate(string Name, ImmutableArray<string> Hostnames, X509Certificate2? Leaf, string? Unpredictable);

/// <summary>What a listener rendered from manifests serves: its server certificates with the SNI names that select them (the first
/// is the default), and the names of the CAs its client CA bundle holds, which the proxy sends in its CertificateRequest.
/// <paramref name="NotRendered"/> says why the manifests render nothing for it (the listener is not Ready).</summary>
public sealed record RenderedEndpoint(
    string Listener,
    ImmutableArray<RenderedServerCertificate> Certificates,
    ImmutableArray<string> CaNames,
    string? NotRendered)
{
    /// <summary>The certificate a proxy selects for <paramref name="serverName"/>: an exact name first, then a covering
    /// wildcard, else the default (as HAProxy's crt-list and nginx's server_name do). Null when nothing was rendered.</summary>
    public RenderedServerCertificate? For(string? serverName)
    {
        if (Certificates.IsEmpty)
        {
            return null;
        }

        if (serverName is null)
        {
            return Certificates[0];
        }

        return Certificates.FirstOrDefault(c => c.Hostnames.Any(h => !h.StartsWith("*.", StringComparison.Ordinal) && HostnameMatcher.Covers(h, serverName)))
            ?? Certificates.FirstOrDefault(c => c.Hostnames.Any(h => h.StartsWith("*.", StringComparison.Ordinal) && HostnameMatcher.Covers(h, serverName)))
            ?? Certificates[0];
    }

    /// <summary>Finds the listener the endpoint is: <paramref name="listenerName"/> (<c>name</c> or <c>namespace/name</c>) when
    /// given, else the only listener, else the only one whose listenPort is <paramref name="port"/>. The error says why none was chosen.</summary>
    public static (RenderedEndpoint? Endpoint, string? Error) Of(RenderResult result, int port, string? listenerName)
    {
        var listeners = result.Outcomes.Where(o => o.Resource is MtlsListener).ToList();
        var chosen = Choose(listeners, port, listenerName, out var error);
        if (chosen is null)
        {
            return (null, error);
        }

        var listener = (MtlsListener)chosen.Resource;
        var id = $"{listener.Metadata.NamespaceProperty}/{listener.Metadata.Name}";
        if (chosen.Ready.Status != "True")
        {
            return (new RenderedEndpoint(id, [], [], $"{chosen.Ready.Reason}: {chosen.Ready.Message}"), null);
        }

        var secret = result.Outputs.OfType<V1Secret>().FirstOrDefault(s =>
            s.Metadata.NamespaceProperty == listener.Metadata.NamespaceProperty && s.Metadata.Name == ListenerSpecDefaults.OutputSecretName(listener));
        if (secret?.Data is not { } data)
        {
            return (new RenderedEndpoint(id, [], [], "the render wrote no output Secret for it"), null);
        }

        var certificates = ImmutableArray.CreateBuilder<RenderedServerCertificate>();
        for (var i = 0; i < listener.Spec.ServerCertificateRefs.Count; i++)
        {
            var name = listener.Spec.ServerCertificateRefs[i].Name;
            var spec = result.Outcomes.Select(o => o.Resource).OfType<ServerCertificate>()
                .First(c => c.Metadata.NamespaceProperty == listener.Metadata.NamespaceProperty && c.Metadata.Name == name).Spec;
            var leaf = data.TryGetValue(ServerCertificateFiles.StemOf(i, name) + ".crt", out var pem) ? FirstCertificate(pem) : null;
            var unpredictable = spec.SelfSigned is not null
                ? $"ServerCertificate {name} is a self-signed bootstrap certificate, generated in the cluster: compare with its status instead"
                : null;
            certificates.Add(new RenderedServerCertificate(name, [.. spec.Hostnames], leaf, unpredictable));
        }

        var caNames = data.TryGetValue("ca.crt", out var ca) ? PemCertificates(ca).Select(c => c.SubjectName.Name).ToImmutableArray() : [];
        return (new RenderedEndpoint(id, certificates.ToImmutable(), caNames, null), null);
    }

    private static ResourceOutcome? Choose(List<ResourceOutcome> listeners, int port, string? listenerName, out string? error)
    {
        error = null;
        if (listenerName is not null)
        {
            var match = listeners.Where(o => listenerName == o.Resource.Metadata.Name
                || listenerName == $"{o.Resource.Metadata.NamespaceProperty}/{o.Resource.Metadata.Name}").ToList();
            error = match.Count switch
            {
                0 => $"the manifests have no MtlsListener {listenerName}",
                > 1 => $"several MtlsListeners are named {listenerName}: give it as namespace/name",
                _ => null,
            };
            return match.Count == 1 ? match[0] : null;
        }

        if (listeners.Count == 1)
        {
            return listeners[0];
        }

        var onPort = listeners.Where(o => ((MtlsListener)o.Resource).Spec.ListenPort == port).ToList();
        if (onPort.Count == 1)
        {
            return onPort[0];
        }

        error = listeners.Count == 0
            ? "the manifests have no MtlsListener to compare with"
            : $"the manifests have {listeners.Count} MtlsListeners and {(onPort.Count == 0 ? "none" : onPort.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} listens on port {port}: choose one with --listener";
        return null;
    }

    private static X509Certificate2? FirstCertificate(byte[] pem) => PemCertificates(pem).FirstOrDefault();

    private static IEnumerable<X509Certificate2> PemCertificates(byte[] pem) =>
        PemBlock.ReadAll(Encoding.UTF8.GetString(pem)).Where(b => b.Label == PemLabels.Certificate).Select(b => X509CertificateLoader.LoadCertificate(b.Der.Span));
}
