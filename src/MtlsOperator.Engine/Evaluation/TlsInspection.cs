using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>What a <c>tls.crt</c> / <c>tls.key</c> / <c>ca.crt</c> triple holds and whether it can be served.</summary>
/// <param name="Leaf">The server certificate (the one the key belongs to, when any does), or null when there is none.</param>
/// <param name="Chain">The chain built from the leaf, when there is a leaf.</param>
/// <param name="Key">The private key block, when one was read.</param>
/// <param name="Problems">Everything that prevents serving, most fundamental first; empty when servable.</param>
/// <param name="Unused">Blocks of <c>tls.crt</c> that are not served, described without their content.</param>
internal sealed record TlsInspection(
    X509Certificate2? Leaf,
    CertificateChain? Chain,
    PemBlock? Key,
    ImmutableArray<CertificateProblem> Problems,
    ImmutableArray<string> Unused)
{
    public bool IsServable => Leaf is not null && Chain is not null && Key is not null && Problems.IsEmpty;

    /// <summary>An inspection that found nothing to describe, only why.</summary>
    public static TlsInspection Failed(CertificateProblem problem) => new(null, null, null, [problem], []);
}
