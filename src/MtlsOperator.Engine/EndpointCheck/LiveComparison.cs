using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>The served leaf against the one the manifests render for the SNI name. <paramref name="Matches"/> is null when the
/// rendered leaf cannot be known offline (see <see cref="RenderedServerCertificate.Unpredictable"/>).</summary>
public sealed record ServerCertificateComparison(string ServerCertificate, string? ExpectedSha256, string? ServedSha256, bool? Matches, string? Note);

/// <summary>The CA names the server sent against the subjects of the rendered client CA bundle (null in a comparison when the
/// probe ended before the server could send them).</summary>
public sealed record CaNameComparison(ImmutableArray<string> Expected, ImmutableArray<string> Sent, ImmutableArray<string> Missing, ImmutableArray<string> Unexpected)
{
    public bool Matches => Missing.IsEmpty && Unexpected.IsEmpty;
}

/// <summary>"Is my change live?": whether what the endpoint serves is what the manifests render.</summary>
public sealed record LiveComparison(string Listener, string? NotRendered, ServerCertificateComparison? ServerCertificate, CaNameComparison? CaNames)
{
    public bool Matches => NotRendered is null && ServerCertificate?.Matches != false && CaNames?.Matches != false;

    public static LiveComparison Of(RenderedEndpoint rendered, EndpointObservation seen, string? serverName)
    {
        if (rendered.NotRendered is { } why)
        {
            return new LiveComparison(rendered.Listener, why, null, null);
        }

        var expected = rendered.For(serverName);
        ServerCertificateComparison? certificate = null;
        if (expected is not null)
        {
            var served = seen.ServedChain.IsEmpty ? null : CertificateFingerprints.Of(seen.ServedChain[0]).Sha256;
            var wanted = expected.Leaf is { } leaf && expected.Unpredictable is null ? CertificateFingerprints.Of(leaf).Sha256 : null;
            bool? matches = expected.Unpredictable is not null ? null : served is not null && served == wanted;
            certificate = new ServerCertificateComparison(expected.Name, wanted, served, matches, expected.Unpredictable);
        }

        // The CA names are known once the server asked for a certificate, or completed a handshake without asking.
        if (!seen.ClientCertificateRequested && seen.TlsVersion is null)
        {
            return new LiveComparison(rendered.Listener, null, certificate, null);
        }

        var sent = seen.AcceptableIssuers.Distinct(StringComparer.Ordinal).ToImmutableArray();
        var expectedNames = rendered.CaNames.Distinct(StringComparer.Ordinal).ToImmutableArray();
        var caNames = new CaNameComparison(
            expectedNames,
            sent,
            [.. expectedNames.Except(sent, StringComparer.Ordinal)],
            [.. sent.Except(expectedNames, StringComparer.Ordinal)]);
        return new LiveComparison(rendered.Listener, null, certificate, caNames);
    }

    /// <summary>One <see cref="CheckFailure.NotLive"/> finding per difference.</summary>
    public IEnumerable<CheckFinding> Findings()
    {
        if (NotRendered is not null)
        {
            yield return new(CheckFailure.NotLive, $"not live: the manifests render nothing for MtlsListener {Listener} ({NotRendered})");
            yield break;
        }

        if (ServerCertificate is { Matches: false } c)
        {
            yield return new(CheckFailure.NotLive, c.ServedSha256 is null
                ? $"not live: no server certificate was received to compare with ServerCertificate {c.ServerCertificate}"
                : $"not live: the server presents sha256 {c.ServedSha256}, the manifests render ServerCertificate {c.ServerCertificate} with sha256 {c.ExpectedSha256}");
        }

        if (CaNames is { Matches: false } n)
        {
            var parts = new List<string>();
            if (!n.Missing.IsEmpty)
            {
                parts.Add("not sent: " + string.Join("; ", n.Missing));
            }

            if (!n.Unexpected.IsEmpty)
            {
                parts.Add("sent but not in the manifests' bundle: " + string.Join("; ", n.Unexpected));
            }

            yield return new(CheckFailure.NotLive, $"not live: the CA names the server asks for differ from the manifests' TrustBundle ({string.Join("; and ", parts)})");
        }
    }
}
