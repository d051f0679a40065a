using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>How a request through the proxy ended.</summary>
public enum ProbeOutcome
{
    /// <summary>The proxy answered with an HTTP status (see <see cref="ProbeResult.Status"/>).</summary>
    Response,

    /// <summary>The TLS handshake failed or the proxy closed the connection before any HTTP response (a TLS alert).</summary>
    TlsRejected,

    /// <summary>No TCP connection at all: the proxy was not listening (never expected while it runs).</summary>
    ConnectionFailed,
}

/// <summary>One request's outcome, with the server certificate the proxy presented.</summary>
/// <param name="ServerCertificate">The leaf the proxy presented, when the handshake got that far.</param>
/// <param name="ServerChainTrusted">Whether the presented chain builds to the test's server root with nothing but that root trusted.</param>
/// <param name="Detail">The exception chain for rejections, for assertion messages.</param>
public sealed record ProbeResult(ProbeOutcome Outcome, int Status, string Body, X509Certificate2? ServerCertificate, bool ServerChainTrusted, string Detail)
{
    public bool IsAdmitted => Outcome == ProbeOutcome.Response && Status == 200;

    /// <summary>Whether the upstream app received this request.</summary>
    public bool ReachedUpstream { get; init; }

    public override string ToString() => Outcome == ProbeOutcome.Response ? $"HTTP {Status}" : $"{Outcome}: {Detail}";
}
