using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>How a probe of an endpoint ended, when it did not end with an HTTP answer.</summary>
public enum ProbeStop
{
    /// <summary>The probe got as far as it was asked to (an HTTP answer, or a completed handshake when no request was made).</summary>
    None,

    /// <summary>No TCP connection: refused, unreachable, or the name did not resolve.</summary>
    ConnectFailed,

    /// <summary>The time given ran out (see <see cref="EndpointObservation.StoppedAt"/> for where).</summary>
    TimedOut,

    /// <summary>The TLS handshake failed (an alert from the server, or a peer that does not speak TLS).</summary>
    HandshakeFailed,

    /// <summary>The handshake completed, then the server ended the TLS session before answering (TLS 1.3 sends its verdict on
    /// the client certificate this way, as an alert at the first read).</summary>
    ClosedAfterHandshake,
}

/// <summary>The phases of a probe, in order.</summary>
public enum ProbeStage
{
    Connect,
    Handshake,
    Request,
}

/// <summary>What one probe of a TLS endpoint saw: the facts only, judged by <see cref="EndpointJudgement"/>.</summary>
public sealed record EndpointObservation
{
    /// <summary>The certificates the server sent, leaf first, in the order sent.</summary>
    public ImmutableArray<X509Certificate2> ServedChain { get; init; } = [];

    /// <summary>False when only the leaf was seen: the handshake ended before the client received the whole chain for checking.</summary>
    public bool ChainComplete { get; init; }

    /// <summary>Negotiated protocol, e.g. <c>TLSv1.3</c>; null when no handshake completed.</summary>
    public string? TlsVersion { get; init; }

    /// <summary>Negotiated cipher suite (IANA name); null when no handshake completed.</summary>
    public string? Cipher { get; init; }

    /// <summary>Whether the server sent a CertificateRequest.</summary>
    public bool ClientCertificateRequested { get; init; }

    /// <summary>The CA names of the CertificateRequest, as the platform prints distinguished names.</summary>
    public ImmutableArray<string> AcceptableIssuers { get; init; } = [];

    /// <summary>Whether the probe presented a client certificate.</summary>
    public bool ClientCertificatePresented { get; init; }

    public ProbeStop Stop { get; init; }

    /// <summary>With a <see cref="Stop"/>: the phase that did not finish.</summary>
    public ProbeStage StoppedAt { get; init; }

    /// <summary>With a <see cref="Stop"/>: what the platform said (OpenSSL's alert text included).</summary>
    public string? StopDetail { get; init; }

    /// <summary>The HTTP status of the answer; null when there was none (or no request was made).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The start of the answer's body, enough to tell a proxy's refusal page from the application.</summary>
    public string HttpBodyStart { get; init; } = "";
}
