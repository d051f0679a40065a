using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>The CRL rules of docs/crls.md stated directly, independent of <see cref="CrlChoice"/>'s code, for the property tests.</summary>
internal static class CrlRules
{
    /// <summary>"a comes after b": CRL Number when both have one and they differ, else thisUpdate.</summary>
    public static bool After(CertificateRevocationList a, CertificateRevocationList b) =>
        a.Extensions.Number is { } x && b.Extensions.Number is { } y && x != y ? x > y : a.ThisUpdate > b.ThisUpdate;

    /// <summary>The complete CRL that comes after every other complete CRL, or null when none does (or there is none).</summary>
    public static CertificateRevocationList? Winner(IReadOnlyList<CertificateRevocationList> crls)
    {
        var complete = crls.Where(c => c.Extensions.DeltaBase is null).ToList();
        var winners = complete.Where(w => complete.All(c => c == w || After(w, c))).ToList();
        return winners.Count == 1 ? winners[0] : null;
    }

    /// <summary>What should become of a CRL that is not the chosen one, judged over every serial in <paramref name="serials"/>.</summary>
    public static CrlFate ExpectedFate(CertificateRevocationList crl, CertificateRevocationList chosen, IReadOnlyList<string> serials)
    {
        if (crl.Extensions.DeltaBase is null)
        {
            return CrlFate.Superseded;
        }

        if (crl.Extensions.Number is { } n && chosen.Extensions.Number is { } m && m >= n)
        {
            return CrlFate.DeltaIncluded;
        }

        // RFC 5280 5.2.4: base + delta revokes what the delta revokes, and what the base revokes unless the delta removes it.
        var same = serials.All(s =>
            (crl.RevokedSerials.Contains(s) || (chosen.RevokedSerials.Contains(s) && !crl.RemovedSerials.Contains(s))) == chosen.RevokedSerials.Contains(s));
        return same ? CrlFate.DeltaChangesNothing : CrlFate.DeltaNotEnforceable;
    }
}
