using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Issuance;

/// <summary>A certificate that must be on its CA's CRL.</summary>
/// <param name="Serial">Uppercase hex of the serial's DER integer content, as <see cref="X509Certificate2.SerialNumber"/> gives it.</param>
/// <param name="NotAfter">End of the certificate's validity: the entry leaves the CRL after it.</param>
/// <param name="Reason">The reason for its entry.</param>
/// <param name="IssuedCertificate">The IssuedClientCertificate it belongs to, for status.</param>
public sealed record RevocationRequest(string Serial, DateTimeOffset NotAfter, X509RevocationReason Reason, string? IssuedCertificate);

/// <summary>What the CA's previous status knew of a serial on its CRL: when it was revoked and why, when its certificate expires, whose it
/// was. A second memory beside the published CRL: an entry survives the loss of either.</summary>
public sealed record KnownRevocation(string Serial, DateTimeOffset RevokedAt, X509RevocationReason Reason, DateTimeOffset? NotAfter, string? IssuedCertificate);

/// <summary>When CRLs expire and when the next one is signed.</summary>
/// <param name="Validity">thisUpdate to nextUpdate.</param>
/// <param name="RefreshBefore">How long before nextUpdate the next CRL is signed.</param>
public sealed record CrlSchedule(TimeSpan Validity, TimeSpan RefreshBefore);

/// <summary>One entry of a signed CRL, with what is known of its certificate.</summary>
public sealed record SignedCrlEntry(string Serial, DateTimeOffset RevokedAt, X509RevocationReason Reason, DateTimeOffset? NotAfter, string? IssuedCertificate);

/// <summary>The CRL a CA publishes: the one already published when it is still right, or a new one.</summary>
/// <param name="Der">The CRL.</param>
/// <param name="Number">Its CRL Number.</param>
/// <param name="IsNew">True when it was signed now (a write follows).</param>
public sealed record SignedCrl(byte[] Der, System.Numerics.BigInteger Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, IReadOnlyList<SignedCrlEntry> Entries, bool IsNew)
{
    /// <summary>When it must be looked at again: its refresh time, or the first entry's certificate expiry (the entry then leaves).</summary>
    public DateTimeOffset RefreshAt(CrlSchedule schedule) =>
        Entries.Where(e => e.NotAfter is not null).Select(e => e.NotAfter!.Value).Append(NextUpdate - schedule.RefreshBefore).Min();
}
