using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>The path from a leaf towards a root, as far as the given certificates reach.</summary>
/// <param name="Path">Leaf first, then each issuer in issuing order; ends with the root when <see cref="RootReached"/>.</param>
/// <param name="RootReached">Whether the last certificate of <see cref="Path"/> is self-signed.</param>
/// <param name="MissingIssuer">The issuer name no given certificate could stand for, when the root was not reached.</param>
public sealed record CertificateChain(ImmutableArray<X509Certificate2> Path, bool RootReached, string? MissingIssuer)
{
    /// <summary>What a server sends: the leaf and its intermediates, root omitted (clients must already hold the root to trust it,
    /// so sending it only costs bytes). A self-signed leaf is its own root and is still sent.</summary>
    public ImmutableArray<X509Certificate2> Served => RootReached && Path.Length > 1 ? Path[..^1] : Path;
}
