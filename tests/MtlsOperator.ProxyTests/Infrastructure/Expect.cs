namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>Outcome assertions with the proxy log in every failure message.</summary>
public static class Expect
{
    public static void Admitted(RunningListener listener, ProbeResult result)
    {
        Assert.True(result.IsAdmitted, listener.Explain(result));
        Assert.True(result.ReachedUpstream, listener.Explain(result));
    }

    /// <summary>Chain verified, but neither pin nor rule matched: 403 after the handshake, nothing forwarded.</summary>
    public static void Forbidden(RunningListener listener, ProbeResult result)
    {
        Assert.True(result is { Outcome: ProbeOutcome.Response, Status: 403 }, listener.Explain(result));
        Assert.False(result.ReachedUpstream, listener.Explain(result));
    }

    /// <summary>No certificate, or one that fails verification (other CA, revoked, expired): HAProxy refuses in the TLS handshake
    /// (an alert), nginx completes it and answers 400. Either way nothing is forwarded.</summary>
    public static void ChainRejected(RunningListener listener, ProbeResult result)
    {
        var expected = listener.Kind == ProxyKind.Haproxy
            ? result.Outcome == ProbeOutcome.TlsRejected
            : result is { Outcome: ProbeOutcome.Response, Status: 400 };
        Assert.True(expected, listener.Explain(result));
        Assert.False(result.ReachedUpstream, listener.Explain(result));
    }
}
