using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>Judges what a probe saw: validity of each certificate, the name, the path to the given trust, and whether the client
/// got in. Pure: the time is given.</summary>
public static class EndpointJudgement
{
    private const string SubjectAltNameOid = "2.5.29.17";

    public static EndpointVerdict Judge(EndpointObservation seen, CheckExpectations expected, DateTimeOffset now)
    {
        var findings = new List<CheckFinding>();
        switch (seen.Stop)
        {
            case ProbeStop.ConnectFailed:
                findings.Add(new(CheckFailure.ConnectionRefused, $"connection refused: could not connect ({seen.StopDetail})"));
                break;
            case ProbeStop.TimedOut:
                findings.Add(new(CheckFailure.Timeout, TimeoutLine(seen.StoppedAt)));
                break;
        }

        var served = seen.ServedChain.Select(c => Validity(c, now)).ToImmutableArray();
        NameCheck? name = null;
        TrustCheck? trust = null;
        if (!seen.ServedChain.IsEmpty)
        {
            var leaf = seen.ServedChain[0];
            foreach (var v in served.Where(v => !v.ValidNow))
            {
                findings.Add(new(CheckFailure.Expired, ExpiryLine("served certificate", v)));
            }

            name = NameOf(leaf, expected.ExpectedName);
            if (!name.Matches)
            {
                var presented = name.Presented.IsEmpty ? "no DNS or IP name" : string.Join(", ", name.Presented);
                findings.Add(new(CheckFailure.WrongName, $"wrong name: the server's certificate does not cover {name.Name} (it presents {presented})"));
            }

            trust = TrustOf(seen, expected);
            foreach (var v in trust.Path.Skip(1).Where(c => !seen.ServedChain.Contains(c)).Select(c => Validity(c, now)).Where(v => !v.ValidNow))
            {
                findings.Add(new(CheckFailure.Expired, ExpiryLine("trusted CA", v)));
            }

            if (trust.Verified == false)
            {
                findings.Add(new(CheckFailure.Untrusted, $"untrusted: {trust.Problem}"));
            }
        }

        var client = ClientOf(seen, expected);
        if (client.Admitted == false)
        {
            findings.Add(new(CheckFailure.ClientRefused, $"client refused: {client.Refusal}"));
        }
        else if (seen.Stop is ProbeStop.HandshakeFailed or ProbeStop.ClosedAfterHandshake)
        {
            findings.Add(new(CheckFailure.HandshakeFailed, $"TLS handshake failed: {seen.StopDetail}"));
        }
        else if (client.Admitted == true && seen.HttpStatus is >= 400 and var status)
        {
            findings.Add(new(CheckFailure.HttpError, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}: the request got through TLS but the answer is an error"));
        }

        return new EndpointVerdict(served, name, trust, client, [.. findings]);
    }

    private static string TimeoutLine(ProbeStage stage) => stage switch
    {
        ProbeStage.Connect => "timeout: no TCP connection within the time given",
        ProbeStage.Handshake => "timeout: connected, but no TLS handshake within the time given (is this a TLS port?)",
        _ => "timeout: the TLS handshake completed, but no HTTP answer came within the time given",
    };

    private static CertificateValidity Validity(X509Certificate2 certificate, DateTimeOffset now) =>
        new(certificate, now.UtcDateTime > certificate.NotAfter.ToUniversalTime(), now.UtcDateTime < certificate.NotBefore.ToUniversalTime());

    private static string ExpiryLine(string what, CertificateValidity v) => v.Expired
        ? $"expired: {what} {v.Certificate.Subject} expired at {v.Certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}"
        : $"expired: {what} {v.Certificate.Subject} is not valid before {v.Certificate.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";

    /// <summary>A DNS name is matched by the engine's RFC 6125 rules (SAN dNSNames, CN only without a SAN); an IP address only by
    /// a SAN iPAddress entry, as TLS clients do.</summary>
    private static NameCheck NameOf(X509Certificate2 leaf, string expectedName)
    {
        var presented = PresentedNames.Of(leaf).ForMatching;
        var addresses = IpAddressesOf(leaf);
        var all = presented.Concat(addresses.Select(a => a.ToString())).ToImmutableArray();
        var matches = IPAddress.TryParse(expectedName.Trim('[', ']'), out var ip)
            ? addresses.Any(a => a.Equals(ip))
            : presented.Any(p => HostnameMatcher.Covers(p, expectedName));
        return new NameCheck(expectedName, matches, all);
    }

    private static ImmutableArray<IPAddress> IpAddressesOf(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == SubjectAltNameOid);
        if (san is null)
        {
            return [];
        }

        try
        {
            return [.. new X509SubjectAlternativeNameExtension(san.RawData, san.Critical).EnumerateIPAddresses()];
        }
        catch (CryptographicException)
        {
            return [];
        }
    }

    private static TrustCheck TrustOf(EndpointObservation seen, CheckExpectations expected)
    {
        // Validity is reported on its own (Expired), so the path is judged with time ignored: "untrusted" means no path.
        var check = CertificatePaths.Build(seen.ServedChain[0], expected.TrustAnchors, seen.ServedChain.Skip(1).Concat(expected.TrustIntermediates), null);
        if (check.RootReached)
        {
            return new TrustCheck(expected.TrustSource, true, check.Path, null);
        }

        if (!seen.ChainComplete)
        {
            return new TrustCheck(expected.TrustSource, null, check.Path,
                "not known: the handshake ended before the server's whole chain was received, and the given trust does not complete the leaf's path");
        }

        var problem = expected.TrustAnchors.IsEmpty
            ? "no trust anchors were given"
            : $"the chain does not verify to {expected.TrustSource}: no trusted issuer for {check.MissingIssuer} ({check.Flags})";
        return new TrustCheck(expected.TrustSource, false, check.Path, problem);
    }

    private static ClientVerdict ClientOf(EndpointObservation seen, CheckExpectations expected)
    {
        var requested = seen.ClientCertificateRequested;
        var presented = seen.ClientCertificatePresented;
        var none = expected.ClientCertificateGiven ? "" : " (none was given: --cert/--key or --p12)";
        if (seen.Stop is ProbeStop.HandshakeFailed or ProbeStop.ClosedAfterHandshake)
        {
            // An alert after the server asked for a certificate is its verdict on the certificate (or on its absence).
            return requested
                ? new ClientVerdict(true, presented, false, $"the server ended the TLS session after asking for a client certificate{none}: {seen.StopDetail}")
                : new ClientVerdict(false, presented, null, null);
        }

        if (seen.HttpStatus is not { } status)
        {
            return new ClientVerdict(requested, presented, null, null);
        }

        var refusedPage = status == 400 && seen.HttpBodyStart.Contains("SSL certificate", StringComparison.OrdinalIgnoreCase);
        if (requested && (refusedPage || status is 401 or 403 or 495 or 496))
        {
            var why = refusedPage
                ? $"HTTP 400: the server did not accept the client certificate{none}"
                : $"HTTP {status.ToString(CultureInfo.InvariantCulture)}: the certificate was verified but is not admitted here (no pin or rule matches){none}";
            return new ClientVerdict(true, presented, false, why);
        }

        return new ClientVerdict(requested, presented, true, null);
    }
}
