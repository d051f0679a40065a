using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>What a check compares the endpoint against.</summary>
/// <param name="ExpectedName">The name the server must present: the SNI name, else the URL's host (a DNS name or an IP address).</param>
/// <param name="TrustAnchors">The roots the chain must verify to.</param>
/// <param name="TrustIntermediates">Non-root CA certificates given with the trust, usable to complete the path.</param>
/// <param name="TrustSource">Where the trust came from, for the report (a file, or the system store).</param>
/// <param name="ClientCertificateGiven">Whether the user gave a client certificate to present.</param>
public sealed record CheckExpectations(
    string ExpectedName,
    ImmutableArray<X509Certificate2> TrustAnchors,
    ImmutableArray<X509Certificate2> TrustIntermediates,
    string TrustSource,
    bool ClientCertificateGiven);

/// <summary>A served (or path) certificate's validity at the time of the check.</summary>
public sealed record CertificateValidity(X509Certificate2 Certificate, bool Expired, bool NotYetValid)
{
    public bool ValidNow => !Expired && !NotYetValid;
}

/// <summary>Whether the leaf presents <paramref name="Name"/>, and the names it does present.</summary>
public sealed record NameCheck(string Name, bool Matches, ImmutableArray<string> Presented);

/// <summary>The path from the leaf to the given trust. <paramref name="Verified"/> is null when it cannot be known (only the leaf
/// was received and the given trust does not complete its path).</summary>
public sealed record TrustCheck(string Source, bool? Verified, ImmutableArray<X509Certificate2> Path, string? Problem);

/// <summary>Whether the server asked for a client certificate and whether the client got in. <paramref name="Admitted"/> is null
/// when the probe never reached the point where the server decides.</summary>
public sealed record ClientVerdict(bool Requested, bool Presented, bool? Admitted, string? Refusal);

/// <summary>The judged check of one endpoint.</summary>
public sealed record EndpointVerdict(
    ImmutableArray<CertificateValidity> Served,
    NameCheck? Name,
    TrustCheck? Trust,
    ClientVerdict Client,
    ImmutableArray<CheckFinding> Findings)
{
    /// <summary>The failure that decides the exit code; null when there is none.</summary>
    public CheckFailure? Decisive => Findings.IsEmpty ? null : Findings.Min(f => f.Failure);

    /// <summary>The same verdict with more findings (from comparing with the manifests).</summary>
    public EndpointVerdict With(IEnumerable<CheckFinding> more) => this with { Findings = [.. Findings, .. more] };
}
