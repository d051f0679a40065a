using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>One server identity of a scenario: its certificate (issued by <see cref="ProxyPki.ServerIssuing"/>) and SNI names.</summary>
public sealed record ServerIdentitySpec(string Name, X509Certificate2 Certificate, ImmutableArray<string> Hostnames);

/// <summary>How a policy names a pinned client: by one thumbprint form, or by the certificate itself.</summary>
public enum PinForm
{
    Sha1,
    Sha256,
    SpkiSha256,
    Certificate,
}

/// <summary>One <c>spec.pins[]</c> entry of a scenario.</summary>
public sealed record ScenarioPin(PinForm Form, X509Certificate2 Client)
{
    /// <summary>The engine's view of the entry: every equivalent form it states.</summary>
    public PinEntry ToEntry(int index)
    {
        var prints = Engine.Pki.CertificateFingerprints.Of(Client);
        var forms = new Dictionary<PinForm, CertificatePin>
        {
            [PinForm.Sha1] = new(PinAlgorithm.Sha1, prints.Sha1),
            [PinForm.Sha256] = new(PinAlgorithm.Sha256, prints.Sha256),
            [PinForm.SpkiSha256] = new(PinAlgorithm.SpkiSha256, prints.SpkiSha256),
        };
        return new PinEntry($"spec.pins[{index}]", Form == PinForm.Certificate ? [.. forms.Values] : [forms[Form]]);
    }
}

/// <summary>What a listener should enforce, in the terms of the API (pins as the policy lists them, rules as normalized DNs).</summary>
/// <param name="RootCrlMissing">Leave the root CA's CRL out while checking revocation (only the issuing CA has one).</param>
public sealed record ListenerScenario(
    string Name,
    ImmutableArray<ServerIdentitySpec> Servers,
    ImmutableArray<ScenarioPin> Pins,
    ImmutableArray<ClientMatchRule> Rules,
    bool CheckRevocation,
    bool RootCrlMissing,
    string? IdentityHeader)
{
    public const string IdentityHeaderName = "X-Client-Subject";

    /// <summary>With <see cref="CheckRevocation"/>: the issuing CA's <c>spec.crls</c> entries in this order (PEM each); empty means one
    /// current CRL revoking <see cref="ProxyPki.Revoked"/>.</summary>
    public ImmutableArray<string> IssuingCaCrls { get; init; } = [];

    /// <summary>With <see cref="CheckRevocation"/>: the issuing CA's CRL as a <c>url</c> entry instead (rendered with <c>--fetch-crls</c>).</summary>
    public string? IssuingCaCrlUrl { get; init; }

    /// <summary>The policy's <c>forwardClientCertificate</c>.</summary>
    public bool ForwardClientCertificate { get; init; }

    /// <summary>More CA certificates (PEM) for the TrustBundle, e.g. a partner's root.</summary>
    public string? ExtraBundlePem { get; init; }

    /// <summary>The policy's <c>spec.paths</c>.</summary>
    public ImmutableArray<ScenarioPath> Paths { get; init; } = [];

    /// <summary>The listener's <c>spec.upstreamTls</c>; null forwards plain HTTP.</summary>
    public UpstreamTlsScenario? UpstreamTls { get; init; }
}

/// <summary>One <c>spec.paths[]</c> entry: a prefix with pins and rules of its own.</summary>
public sealed record ScenarioPath(string Prefix, ImmutableArray<ScenarioPin> Pins, ImmutableArray<ClientMatchRule> Rules);

/// <summary>A listener's <c>spec.upstreamTls</c>: the CA (PEM) its own TrustBundle holds, or <see cref="Insecure"/>; the server name;
/// the certificate (with its key) the proxy presents upstream.</summary>
public sealed record UpstreamTlsScenario(string? TrustedCaPem, string ServerName, X509Certificate2? ClientCertificate, bool Insecure = false);
