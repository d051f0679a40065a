using System.Collections.Immutable;

namespace MtlsOperator.Engine.Pki;

/// <summary>RFC 6125 matching of the DNS names a certificate presents against the hostnames it must serve.</summary>
/// <remarks>
/// A presented <c>*.a.com</c> covers exactly one extra label (<c>x.a.com</c>), never <c>a.com</c> nor <c>x.y.a.com</c>;
/// partial-label wildcards (<c>f*.a.com</c>) are not honoured, as browsers and the CA/B Forum rules do not.
/// A declared wildcard is covered only by the identical wildcard, since no single name can stand for all its matches.
/// Comparison is ASCII case-insensitive; a trailing dot on a presented name is ignored.
/// </remarks>
public static class HostnameMatcher
{
    /// <summary>True when the presented name <paramref name="presented"/> covers the declared <paramref name="hostname"/>.</summary>
    public static bool Covers(string presented, string hostname)
    {
        var p = Normalize(presented);
        var h = Normalize(hostname);
        if (p.Length == 0 || h.Length == 0)
        {
            return false;
        }

        if (h.StartsWith("*.", StringComparison.Ordinal) || p == h)
        {
            return p == h;
        }

        if (!p.StartsWith("*.", StringComparison.Ordinal))
        {
            return false;
        }

        var suffix = p[1..];
        if (suffix.Count(c => c == '.') < 2 || suffix.Contains('*'))
        {
            return false;
        }

        var firstDot = h.IndexOf('.', StringComparison.Ordinal);
        return firstDot > 0 && string.Equals(h[firstDot..], suffix, StringComparison.Ordinal);
    }

    /// <summary>The hostnames, in declared order, that no presented name covers.</summary>
    public static ImmutableArray<string> Uncovered(IEnumerable<string> hostnames, IReadOnlyCollection<string> presented) =>
        [.. hostnames.Where(h => !presented.Any(p => Covers(p, h)))];

    private static string Normalize(string name) => name.TrimEnd('.').ToLowerInvariant();
}
