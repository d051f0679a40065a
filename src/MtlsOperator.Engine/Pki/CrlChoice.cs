using System.Collections.Immutable;

namespace MtlsOperator.Engine.Pki;

/// <summary>What becomes of one CRL of an issuer when exactly one CRL per issuer is rendered.</summary>
public enum CrlFate
{
    /// <summary>The complete CRL that is rendered.</summary>
    Chosen,

    /// <summary>A complete CRL earlier in the issuer's sequence than the chosen one; left out.</summary>
    Superseded,

    /// <summary>A delta whose CRL Number is not above the chosen complete CRL's: per RFC 5280 the chosen CRL already holds its changes; left out.</summary>
    DeltaIncluded,

    /// <summary>A delta that changes nothing the chosen CRL says (everything it revokes is revoked there, nothing it releases is); left out.</summary>
    DeltaChangesNothing,

    /// <summary>Blocking: a delta that revokes or releases certificates the chosen complete CRL does not. HAProxy and nginx cannot apply it.</summary>
    DeltaNotEnforceable,

    /// <summary>Blocking: deltas with no complete CRL to apply them to.</summary>
    DeltaWithoutBase,

    /// <summary>Blocking: complete CRLs that neither CRL Number nor thisUpdate orders.</summary>
    Undecided,
}

/// <summary>The fate of one CRL; <paramref name="Other"/> is the chosen CRL it was compared with, or the rival it could not be told from.</summary>
public sealed record CrlVerdict<T>(T Crl, CrlFate Fate, T? Other);

/// <summary>The CRL to render for one issuer (null when the set is refused) and a verdict for every CRL given, in input order.</summary>
public sealed record CrlChoiceResult<T>(T? Chosen, ImmutableArray<CrlVerdict<T>> Verdicts);

/// <summary>Chooses the one CRL per issuer that is rendered. HAProxy and nginx (OpenSSL without delta support) take the CRL with the
/// latest thisUpdate, and the first in the file on a tie, and would use a delta as if it were complete; rendering one chosen CRL makes the
/// proxy enforce exactly what this decides.</summary>
public static class CrlChoice
{
    /// <summary>Among complete CRLs, the one that comes after every other: a higher CRL Number when both have one and they differ, else a later
    /// thisUpdate. Deltas are then left out when the chosen CRL already says what they say, and refused otherwise.</summary>
    public static CrlChoiceResult<T> Choose<T>(IReadOnlyList<T> crls, Func<T, CertificateRevocationList> crlOf)
        where T : class
    {
        var complete = Enumerable.Range(0, crls.Count).Where(i => !crlOf(crls[i]).Extensions.IsDelta).ToList();
        if (complete.Count == 0)
        {
            return Result(crls, [.. crls.Select(_ => (CrlFate.DeltaWithoutBase, (T?)null))], null);
        }

        var chosenIndex = complete.FindIndex(w => complete.All(c => c == w || Compare(crlOf(crls[w]), crlOf(crls[c])) > 0));
        if (chosenIndex < 0)
        {
            var ordered = complete.OrderByDescending(i => crlOf(crls[i]).ThisUpdate).ThenByDescending(i => crlOf(crls[i]).Extensions.Number ?? -1).ToList();
            var top = ordered[0];
            var rival = ordered.Skip(1).First(c => Compare(crlOf(crls[top]), crlOf(crls[c])) <= 0);
            return new CrlChoiceResult<T>(null, [new(crls[top], CrlFate.Undecided, crls[rival]), new(crls[rival], CrlFate.Undecided, crls[top])]);
        }

        chosenIndex = complete[chosenIndex];
        var chosen = crlOf(crls[chosenIndex]);
        var fates = new (CrlFate Fate, T? Other)[crls.Count];
        for (var i = 0; i < crls.Count; i++)
        {
            var crl = crlOf(crls[i]);
            fates[i] = i == chosenIndex ? (CrlFate.Chosen, null)
                : !crl.Extensions.IsDelta ? (CrlFate.Superseded, crls[chosenIndex])
                : (DeltaFate(crl, chosen), crls[chosenIndex]);
        }

        return Result(crls, fates, crls[chosenIndex]);
    }

    /// <summary>Positive when <paramref name="a"/> comes after <paramref name="b"/> in their issuer's sequence, zero when nothing tells them apart.</summary>
    public static int Compare(CertificateRevocationList a, CertificateRevocationList b) =>
        a.Extensions.Number is { } x && b.Extensions.Number is { } y && x != y ? x.CompareTo(y) : a.ThisUpdate.CompareTo(b.ThisUpdate);

    private static CrlFate DeltaFate(CertificateRevocationList delta, CertificateRevocationList complete)
    {
        // CRL Numbers of complete and delta CRLs share one sequence (RFC 5280 5.2.3): a complete CRL numbered at or after the delta was
        // issued at or after it and holds its changes.
        if (delta.Extensions.Number is { } n && complete.Extensions.Number is { } m && m >= n)
        {
            return CrlFate.DeltaIncluded;
        }

        var revoked = complete.RevokedSerials.ToHashSet(StringComparer.Ordinal);
        return delta.RevokedSerials.All(revoked.Contains) && !delta.RemovedSerials.Any(revoked.Contains)
            ? CrlFate.DeltaChangesNothing
            : CrlFate.DeltaNotEnforceable;
    }

    private static CrlChoiceResult<T> Result<T>(IReadOnlyList<T> crls, (CrlFate Fate, T? Other)[] fates, T? chosen)
        where T : class =>
        new(chosen, [.. crls.Select((c, i) => new CrlVerdict<T>(c, fates[i].Fate, fates[i].Other))]);
}
