namespace MtlsOperator.Engine.ProxyVerdicts;

/// <summary>Where a proxy turns a client away.</summary>
public enum RefusalStage
{
    /// <summary>The TLS handshake fails (HAProxy and Envoy refuse a bad chain with an alert).</summary>
    Handshake,

    /// <summary>HTTP 400: nginx completes the handshake and answers 400 for a bad or missing client certificate.</summary>
    BadRequest,

    /// <summary>HTTP 403: the chain is good, but the certificate matches no pin and no rule.</summary>
    Forbidden,
}

/// <summary>What a listener does with one client: admit it, or refuse it at a stage for a reason.</summary>
/// <param name="RefusedAt">Null when admitted.</param>
/// <param name="Reason">Why, in the words of the check that decided (an OpenSSL-style verify error, or the policy).</param>
public sealed record ProxyVerdict(RefusalStage? RefusedAt, string Reason)
{
    /// <summary>The client reaches the upstream.</summary>
    public bool Admitted => RefusedAt is null;

    /// <summary>An admitted client, with what admitted it.</summary>
    public static ProxyVerdict Admit(string reason) => new(null, reason);

    public override string ToString() => RefusedAt is { } stage ? $"refused ({stage}): {Reason}" : $"admitted: {Reason}";
}
