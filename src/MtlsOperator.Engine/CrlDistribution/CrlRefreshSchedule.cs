using System.Formats.Asn1;
using System.Security.Cryptography;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>The short waits of a <see cref="CrlRefreshSchedule"/>: never refetch a good CRL sooner than <paramref name="Soonest"/>; after a failure
/// wait <paramref name="FirstRetry"/>, doubling up to <paramref name="MaxRetry"/>; with <paramref name="Longest"/>, refetch at least that often
/// whatever a bundle's schedule says.</summary>
public sealed record CrlRefreshTiming(TimeSpan Soonest, TimeSpan FirstRetry, TimeSpan MaxRetry, TimeSpan? Longest = null)
{
    /// <summary>The interval to use for a bundle whose schedule is <paramref name="interval"/>.</summary>
    public TimeSpan Cap(TimeSpan interval) => Longest is { } l && l < interval ? l : interval;

    /// <summary>1 minute; 30 seconds doubling to 15 minutes.</summary>
    public static CrlRefreshTiming Default { get; } = new(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15));
}

/// <summary>When a CRL URL is fetched again: on the bundle's schedule (<c>spec.crlRefreshMinutes</c>), and sooner as the CRL's nextUpdate nears
/// (halfway there, so a CA that publishes late still has half the time left), and after a failure with a backoff that doubles from 30 seconds
/// up to 15 minutes (never beyond the schedule).</summary>
public static class CrlRefreshSchedule
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(60);

    /// <summary>The bundle's refresh interval.</summary>
    public static TimeSpan IntervalOf(TrustBundleSpec spec) => spec.CrlRefreshMinutes is { } m ? TimeSpan.FromMinutes(m) : DefaultInterval;

    /// <summary>After a fetch at <paramref name="at"/> that gave a CRL due at <paramref name="nextUpdate"/>.</summary>
    public static DateTimeOffset AfterSuccess(DateTimeOffset at, TimeSpan interval, DateTimeOffset? nextUpdate, CrlRefreshTiming? timing = null)
    {
        var t = timing ?? CrlRefreshTiming.Default;
        var next = at + interval;
        if (nextUpdate is { } due)
        {
            if (due <= at)
            {
                return at + Min(t.FirstRetry, interval);
            }

            var half = (due - at) / 2;
            next = Min(next, at + (half < t.Soonest ? t.Soonest : half));
        }

        return next;
    }

    /// <summary>After the <paramref name="failures"/>-th failure in a row (1 for the first) at <paramref name="at"/>.</summary>
    public static DateTimeOffset AfterFailure(DateTimeOffset at, TimeSpan interval, int failures, CrlRefreshTiming? timing = null)
    {
        var t = timing ?? CrlRefreshTiming.Default;
        var backoff = t.FirstRetry * Math.Pow(2, Math.Clamp(failures - 1, 0, 16));
        return at + Min(Min(backoff, t.MaxRetry), interval);
    }

    /// <summary>The first fetch of a URL this process makes: now, unless a CRL fetched earlier is held and not yet due (a restart does not fetch
    /// every URL again).</summary>
    public static DateTimeOffset First(DateTimeOffset now, TimeSpan interval, CrlFetchStatus? held, CrlRefreshTiming? timing = null)
    {
        if (held is not { FetchedAt: { } fetchedAt, Error: null })
        {
            return now;
        }

        var due = AfterSuccess(Utc(fetchedAt), interval, held.NextUpdate is { } n ? Utc(n) : null, timing);
        return due < now ? now : due;
    }

    /// <summary>nextUpdate of the one CRL in <paramref name="body"/>, or null when it is not a CRL (the engine says why when it evaluates it).</summary>
    public static DateTimeOffset? NextUpdateOf(byte[] body)
    {
        try
        {
            var content = PemOrDer.Read(body, PemLabels.Crl);
            return content.Error is null && content.Objects.Count == 1 ? CertificateRevocationList.Parse(content.Objects[0]).NextUpdate : null;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private static T Min<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) <= 0 ? a : b;
}
