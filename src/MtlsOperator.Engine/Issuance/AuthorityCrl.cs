using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Maintains the CRL of a CA the operator holds the key of: the revoked, unexpired serials; a CRL Number that only increases;
/// a nextUpdate refreshed before it passes. Reuses the published CRL while it is still right, so a steady state writes nothing.</summary>
public static class AuthorityCrl
{
    /// <summary>The CRL to publish now.</summary>
    /// <param name="authority">The CA, with its key.</param>
    /// <param name="requested">Certificates that must be on the CRL (every revoked certificate the operator knows of).</param>
    /// <param name="published">The CRL published so far, if any. Its entries stay until their certificate is known to have expired, so
    /// deleting a revoked IssuedClientCertificate never takes its serial off the CRL while the certificate is still valid.</param>
    /// <param name="known">What the previous status knew of the published entries; they stay too, should the published CRL be lost.</param>
    /// <param name="lastNumber">The highest CRL Number recorded elsewhere (status), if any.</param>
    /// <param name="schedule">Validity and refresh lead.</param>
    /// <param name="now">The clock.</param>
    public static SignedCrl Maintain(AuthorityKeyPair authority, IReadOnlyList<RevocationRequest> requested, CertificateRevocationList? published,
        IReadOnlyList<KnownRevocation> known, BigInteger? lastNumber, CrlSchedule schedule, DateTimeOffset now)
    {
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var ca = authority.Certificate;
        var ours = published is not null && published.IssuerDer.Span.SequenceEqual(ca.SubjectName.RawData) ? published : null;
        var onCrl = (ours?.Entries ?? []).Where(e => e.Reason != (int)X509RevocationReason.RemoveFromCrl)
            .GroupBy(e => e.Serial, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var knownBySerial = known.GroupBy(k => k.Serial, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var requestedBySerial = requested.GroupBy(r => r.Serial, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var desired = new List<SignedCrlEntry>();
        foreach (var serial in onCrl.Keys.Union(knownBySerial.Keys, StringComparer.Ordinal).Union(requestedBySerial.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            requestedBySerial.TryGetValue(serial, out var request);
            knownBySerial.TryGetValue(serial, out var memory);
            var notAfter = request?.NotAfter ?? memory?.NotAfter;
            if (notAfter is { } end && end < now)
            {
                continue;
            }

            // An entry keeps the date and reason it was first published with: a revocation is a fact about the past.
            var whose = request?.IssuedCertificate ?? memory?.IssuedCertificate;
            var entry = onCrl.TryGetValue(serial, out var existing)
                ? new SignedCrlEntry(serial, existing.RevokedAt, existing.Reason < 0 ? X509RevocationReason.Unspecified : (X509RevocationReason)existing.Reason, notAfter, whose)
                : memory is not null
                    ? new SignedCrlEntry(serial, memory.RevokedAt, memory.Reason, notAfter, whose)
                    : new SignedCrlEntry(serial, now, request!.Reason, notAfter, whose);
            desired.Add(entry);
        }

        var publishedNumber = ours?.Extensions.Number;
        if (ours is { NextUpdate: { } next } && publishedNumber is { } number && IsSignedBy(ours, ca)
            && next - now > schedule.RefreshBefore && ours.ThisUpdate <= now
            && SameEntries(ours, desired))
        {
            return new SignedCrl(ours.Der.ToArray(), number, ours.ThisUpdate, next, desired, IsNew: false);
        }

        var nextNumber = NextNumber(Max(published?.Extensions.Number, lastNumber), now);
        var builder = new CertificateRevocationListBuilder();
        foreach (var e in desired)
        {
            // RFC 5280 §5.3.1: the reason code "unspecified" should be absent rather than written.
            builder.AddEntry(Convert.FromHexString(e.Serial), e.RevokedAt, e.Reason == X509RevocationReason.Unspecified ? null : e.Reason);
        }

        // thisUpdate is backdated as certificates are: a proxy whose clock is a little behind would otherwise find the CRL not yet
        // valid and refuse every client of the CA.
        var thisUpdate = now - ClientCertificateIssuer.Backdate;
        var nextUpdate = now + schedule.Validity;
        using var rsa = ca.GetRSAPublicKey();
        var der = builder.Build(ca, nextNumber, nextUpdate, HashFor(ca), rsa is null ? null : RSASignaturePadding.Pkcs1, thisUpdate);
        return new SignedCrl(der, nextNumber, thisUpdate, nextUpdate, desired, IsNew: true);
    }

    /// <summary>One more than every number used before, and never below the seconds since 1970 of <paramref name="now"/>: a CA whose
    /// published CRL and status were both lost (deleted and re-created) still continues above every CRL it signed, as long as the
    /// clock does not go back and it signs at most one CRL per second on average.</summary>
    public static BigInteger NextNumber(BigInteger? last, DateTimeOffset now)
    {
        var clockFloor = new BigInteger(now.ToUnixTimeSeconds());
        var afterLast = (last ?? BigInteger.Zero) + 1;
        return afterLast > clockFloor ? afterLast : clockFloor;
    }

    private static BigInteger? Max(BigInteger? a, BigInteger? b) => a is null ? b : b is null ? a : BigInteger.Max(a.Value, b.Value);

    private static bool IsSignedBy(CertificateRevocationList crl, X509Certificate2 ca) =>
        SignatureVerifier.Verify(crl.Structure, ca) == SignatureCheck.Valid;

    private static bool SameEntries(CertificateRevocationList crl, List<SignedCrlEntry> desired)
    {
        var have = crl.Entries.Select(e => (e.Serial, e.RevokedAt, Reason: e.Reason < 0 ? 0 : e.Reason)).ToHashSet();
        var want = desired.Select(e => (e.Serial, e.RevokedAt, Reason: (int)e.Reason)).ToHashSet();
        return have.SetEquals(want) && crl.Entries.Length == desired.Count;
    }

    private static HashAlgorithmName HashFor(X509Certificate2 ca)
    {
        using var ec = ca.GetECDsaPublicKey();
        return ec?.KeySize switch
        {
            > 384 => HashAlgorithmName.SHA512,
            > 256 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA256,
        };
    }
}
