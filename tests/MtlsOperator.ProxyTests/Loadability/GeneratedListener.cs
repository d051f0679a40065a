namespace MtlsOperator.ProxyTests.Loadability;

/// <summary>What is wrong, on purpose, with a generated server certificate: each flaw makes HAProxy and nginx refuse to start.</summary>
public enum ServerFlaw
{
    None,

    /// <summary>RSA-1024 leaf key ("ee key too small").</summary>
    WeakLeafKey,

    /// <summary>Leaf signed with SHA-1 by its CA ("ca md too weak").</summary>
    Sha1Signature,

    /// <summary>Served intermediate with an RSA-1024 key ("ca key too small").</summary>
    WeakIntermediate,
}

/// <summary>One ServerCertificate of a generated listener: the names it serves (its certificate covers exactly them).</summary>
public sealed record GeneratedServer(string[] Hostnames, ServerFlaw Flaw);

/// <summary>One <c>spec.rules[]</c> entry as a user writes it (RFC 4514 text).</summary>
public sealed record GeneratedRule(string? Issuer, string? Subject);

/// <summary>A listener described by plain data (so a failing case prints and replays exactly); <see cref="GeneratedWorld"/> turns it
/// into resources with real certificates.</summary>
/// <param name="UpstreamHostIsInvalid">The host is not a DNS name or IP literal: the engine must refuse it.</param>
/// <param name="IdentityHeaderIsInvalid">The header name is one the engine must refuse (underscore, framing header, bad character).</param>
public sealed record GeneratedListener(
    string Name,
    int ListenPort,
    int UpstreamPort,
    string UpstreamHost,
    bool UpstreamHostIsInvalid,
    GeneratedServer[] Servers,
    string[] Sha1Pins,
    string[] Sha256Pins,
    bool PinAClientCertificate,
    GeneratedRule[] Rules,
    string? IdentityHeader,
    bool IdentityHeaderIsInvalid,
    bool CheckRevocation)
{
    /// <summary>Whether the engine must refuse this listener whatever the proxy, and with which reasons it may.</summary>
    public bool MustBeRefused =>
        UpstreamHostIsInvalid || IdentityHeaderIsInvalid || Servers.Any(s => s.Flaw != ServerFlaw.None)
        || (Sha1Pins.Length == 0 && Sha256Pins.Length == 0 && !PinAClientCertificate && Rules.Length == 0)
        || Rules.Any(r => r.Issuer is null && r.Subject is null)
        || (ListenPort == UpstreamPort && UpstreamHost is "127.0.0.1" or "localhost" or "::1");

    /// <summary>A short description for a failure message (sizes, not every value).</summary>
    public string Summary =>
        $"{Name}: listen {ListenPort} -> {UpstreamHost}:{UpstreamPort}; {Servers.Length} server certificates " +
        $"({string.Join(", ", Servers.Select(s => $"{s.Hostnames.Length} names{(s.Flaw == ServerFlaw.None ? "" : " " + s.Flaw)}"))}); " +
        $"{Sha1Pins.Length} sha1 + {Sha256Pins.Length} sha256 pins{(PinAClientCertificate ? " + a certificate" : "")}; {Rules.Length} rules; " +
        $"header {IdentityHeader ?? "none"}; revocation {CheckRevocation}";
}
