using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Policy;

namespace MtlsOperator.ProxyTests.Infrastructure;

/// <summary>One server identity of a scenario: its certificate (issued by <see cref="ProxyPki.ServerIssuing"/>) and SNI names.</summary>
public sealed record ServerIdentitySpec(string Name, X509Certificate2 Certificate, ImmutableArray<string> Hostnames);

/// <summary>What a listener should enforce, in the terms of the API (pins as the policy lists them, rules as normalized DNs).</summary>
/// <param name="RootCrlMissing">Leave the root CA's CRL out while checking revocation (only the issuing CA has one).</param>
public sealed record ListenerScenario(
    string Name,
    ImmutableArray<ServerIdentitySpec> Servers,
    ImmutableArray<PinEntry> Pins,
    ImmutableArray<ClientMatchRule> Rules,
    bool CheckRevocation,
    bool RootCrlMissing,
    string? IdentityHeader)
{
    public const string IdentityHeaderName = "X-Client-Subject";

    public static PinEntry Sha1Pin(X509Certificate2 certificate, int index) =>
        new($"spec.pins[{index}]", [new CertificatePin(PinAlgorithm.Sha1, ProxyPki.Sha1Of(certificate))]);

    public static PinEntry Sha256Pin(X509Certificate2 certificate, int index) =>
        new($"spec.pins[{index}]", [new CertificatePin(PinAlgorithm.Sha256, ProxyPki.Sha256Of(certificate))]);

    /// <summary>A pin given as the certificate itself: every form, the listener picks what its proxy enforces.</summary>
    public static PinEntry CertificatePin(X509Certificate2 certificate, int index)
    {
        var prints = Engine.Pki.CertificateFingerprints.Of(certificate);
        return new($"spec.pins[{index}]",
        [
            new CertificatePin(PinAlgorithm.Sha1, prints.Sha1),
            new CertificatePin(PinAlgorithm.Sha256, prints.Sha256),
            new CertificatePin(PinAlgorithm.SpkiSha256, prints.SpkiSha256),
        ]);
    }
}
