using System.Collections.Immutable;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Rendering;

/// <summary>What a renderer turns into proxy configuration. All file names are keys of the output Secret, resolved under <see cref="MountPath"/>.</summary>
/// <param name="ServerCertificates">First entry is the default (no SNI / unknown SNI).</param>
/// <param name="CaFile">Key holding the client CA bundle (<c>ca.crt</c>).</param>
/// <param name="CrlFile">Key holding the CRLs (<c>ca.crl</c>) or null when revocation is not checked.</param>
/// <param name="CasWithoutCrl">When <paramref name="CrlFile"/> is set: subjects of bundle CAs that have no CRL.</param>
/// <param name="Pins">One chosen form per policy pin entry, each of an algorithm the proxy supports. A client matching any pin OR any rule is admitted.</param>
/// <param name="Rules">Many-to-one rules; an empty <paramref name="Pins"/> and empty <paramref name="Rules"/> never reach a renderer (fail closed).</param>
public sealed record ListenerRenderModel(
    string Namespace,
    string Name,
    int ListenPort,
    string UpstreamHost,
    int UpstreamPort,
    string MountPath,
    ImmutableArray<ServerCertificateFiles> ServerCertificates,
    string CaFile,
    string? CrlFile,
    ImmutableArray<string> CasWithoutCrl,
    ImmutableArray<CertificatePin> Pins,
    ImmutableArray<ClientMatchRule> Rules,
    string? ForwardIdentityHeader)
{
    /// <summary>With <see cref="CrlFile"/> set: true when no bundle CA that has a CRL issued another CA of the bundle, so
    /// the CRLs can only revoke client (leaf) certificates. Lets a proxy that can check the leaf alone (Envoy's
    /// <c>only_verify_leaf_cert_crl</c>) tolerate <see cref="CasWithoutCrl"/>. False, the default, is the safe answer.</summary>
    public bool CrlsRevokeOnlyLeaves { get; init; }

    /// <summary>Set the <see cref="ForwardedCertificate"/> headers for admitted requests.</summary>
    public bool ForwardClientCertificate { get; init; }

    /// <summary>IP address to listen on; null listens on every IPv4 address (what a sidecar wants; tests bind loopback).</summary>
    public string? ListenAddress { get; init; }

    /// <summary>Path prefixes decided by their own pins and rules (longest prefix wins, see <see cref="PathRules.RequestPath"/>); with any,
    /// a non-canonical path spelling is refused (400) and <see cref="Pins"/> and <see cref="Rules"/> decide only the other paths (both
    /// empty: 403 there).</summary>
    public ImmutableArray<PathScope> Paths { get; init; } = [];

    /// <summary>TLS to the upstream; null forwards plain HTTP.</summary>
    public UpstreamTlsModel? UpstreamTls { get; init; }
}
