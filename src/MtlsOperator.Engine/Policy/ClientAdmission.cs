using System.Collections.Immutable;

namespace MtlsOperator.Engine.Policy;

/// <summary>Everything a proxy needs to admit exactly the clients a policy allows.</summary>
/// <param name="CaBundlePem">Certificates a client must chain to (roots and intermediates), PEM.</param>
/// <param name="CrlPem">CRLs to check, PEM, or null when revocation is not checked.</param>
/// <param name="CasWithoutCrl">Subjects of bundle CAs with no CRL, when <paramref name="CrlPem"/> is set (proxies differ in how they treat them).</param>
/// <param name="Pins">A client matching any pin entry is admitted.</param>
/// <param name="Rules">A client matching any rule is admitted.</param>
/// <param name="ForwardIdentityHeader">Header carrying the verified identity upstream, or null.</param>
public sealed record ClientAdmission(
    string CaBundlePem,
    string? CrlPem,
    ImmutableArray<string> CasWithoutCrl,
    ImmutableArray<PinEntry> Pins,
    ImmutableArray<ClientMatchRule> Rules,
    string? ForwardIdentityHeader)
{
    /// <summary>Forward the <see cref="Rendering.ForwardedCertificate"/> headers.</summary>
    public bool ForwardClientCertificate { get; init; }

    /// <summary>Path prefixes decided by their own pins and rules; <see cref="Pins"/> and <see cref="Rules"/> decide every other path.</summary>
    public ImmutableArray<PathAdmission> Paths { get; init; } = [];
}
