using System.Globalization;
using System.Security.Cryptography;
using k8s.Models;
using MtlsOperator.Engine.Api;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.CrlDistribution;

/// <summary>Decides, for each CRL URL of one bundle, which CRL is used: the one just downloaded or the one held in the bundle's output
/// ConfigMap, whichever is verified, current and later (a download never replaces a newer held CRL, so an old CRL served again cannot
/// release a revoked certificate). Both are verified here like any other CRL (parsed, usable by OpenSSL, signed by a bundle CA), so what is
/// rendered is never an unverified CRL. With no current verified CRL the URL is blocking: fail closed, the last good output stays.</summary>
internal sealed class FetchedCrls(TrustBundle bundle, string ns, EvaluationContext context, IReadOnlyList<AcceptedCa> cas)
{
    private readonly Dictionary<string, byte[]> _held = [];
    // Only the bundle's own ConfigMap holds its CRLs: a same-named one it does not own is a conflict, never a source.
    private readonly V1ConfigMap? _output = context.Lookup.FindConfigMap(ns, TrustBundleEvaluator.OutputNameOf(bundle)) is { } c
        && OutputOwnership.IsOwnedBy(c.Metadata, bundle) ? c : null;

    /// <summary>The state of each URL resolved, in order.</summary>
    public List<CrlFetchStatus> Statuses { get; } = [];

    /// <summary>The CRL to keep per URL in the output ConfigMap (key to DER).</summary>
    public IReadOnlyDictionary<string, byte[]> Held => _held;

    /// <summary>The CRL to use for <paramref name="url"/>, or null after a finding saying why there is none.</summary>
    public CertificateRevocationList? Resolve(string url, string source, Findings findings)
    {
        if (CrlUrl.Problem(url) is { } problem)
        {
            findings.Add(source, TrustBundleReasons.InvalidSpec, $"{source}: the CRL URL \"{url}\" {problem}.", blocking: true);
            return null;
        }

        var download = context.CrlDownloads.Find(ns, bundle.Metadata.Name, url);
        var previous = bundle.Status?.CrlFetches?.FirstOrDefault(f => f?.Url == url);
        var fresh = download?.Body is { } body ? Verify(body, source) : null;
        var held = HeldCrls.Find(_output, url) is { } bytes ? Verify(bytes, source) : null;
        var error = download?.Error;
        CertificateRevocationList? chosen = null;
        if (fresh?.Crl is { } f && IsCurrent(f))
        {
            // Never back to an older CRL than the one held, even once that one has expired: the newer may revoke what the older does not.
            if (held?.Crl is { } h && CanonicalName.FromDer(h.IssuerDer).Equals(CanonicalName.FromDer(f.IssuerDer)) && CrlChoice.Compare(f, h) < 0)
            {
                chosen = IsCurrent(h) ? h : null;
                error ??= $"the URL serves an older CRL ({Describe(f)}) than the one held ({Describe(h)}), which is not replaced by it";
            }
            else
            {
                chosen = f;
            }
        }
        else if (held?.Crl is { } h && IsCurrent(h))
        {
            chosen = h;
            error ??= fresh switch
            {
                { Crl: null } => $"the URL serves a CRL that is not used: {fresh.Why}",
                { Crl: { } stale } => $"the URL serves a CRL that is {Staleness(stale)}",
                _ => null,
            };
        }

        var status = StatusOf(url, source, chosen ?? fresh?.Crl ?? held?.Crl, chosen is not null && fresh?.Crl == chosen, download, previous, error);
        Statuses.Add(status);
        if (chosen is not null)
        {
            _held[HeldCrls.KeyOf(url)] = chosen.Der.ToArray();
            return chosen;
        }

        Refuse(url, source, fresh, held, download, error, findings);
        return null;
    }

    private void Refuse(string url, string source, Candidate? fresh, Candidate? held, CrlDownload? download, string? error, Findings findings)
    {
        var last = error is null ? "" : $" The last fetch: {error}.";
        if (new[] { held?.Crl, fresh?.Crl }.FirstOrDefault(c => c is not null && !IsCurrent(c)) is { } stale)
        {
            var expired = stale.NextUpdate is { } next && context.Now > next;
            findings.Add(source, expired ? TrustBundleReasons.CrlExpired : TrustBundleReasons.CrlNotYetValid,
                $"{source}: the CRL from \"{stale.Issuer}\" fetched from {url} is {Staleness(stale)}, and no newer one could be fetched.{last} HAProxy and " +
                "nginx reject every client certificate from that CA while its CRL is not current, so this is not rendered (the last good output stays " +
                "and refuses those clients); make the URL serve the CA's current CRL.", blocking: true);
        }
        else if (fresh is { Crl: null })
        {
            findings.Add(source, fresh.Reason, $"{source}: {url} serves a CRL that cannot be used: {fresh.Why}. No verified CRL from it is held, so " +
                "this is not rendered; make the URL serve the CA's current CRL.", blocking: true);
        }
        else if (download?.Error is { } failure)
        {
            findings.Add(source, TrustBundleReasons.CrlFetchFailed, $"{source}: fetching {url} failed: {failure}. No verified CRL from it is held, " +
                "so this is not rendered. Make the URL reachable from the operator (docs/crl-distribution-points.md: NetworkPolicy, proxy variables).",
                blocking: true);
        }
        else
        {
            findings.Add(source, TrustBundleReasons.CrlNotFetched, $"{source}: the CRL at {url} has not been fetched yet, so this is not rendered. " +
                (context.CrlDownloads.NotFetchingBecause ?? "The operator fetches it now."), blocking: true);
        }
    }

    private CrlFetchStatus StatusOf(string url, string source, CertificateRevocationList? crl, bool isFresh, CrlDownload? download, CrlFetchStatus? previous, string? error)
    {
        var sha = crl is null ? null : Convert.ToHexStringLower(SHA256.HashData(crl.Der.Span));
        DateTimeOffset? fetchedAt = previous is { FetchedAt: { } at } && previous.Sha256 == sha && sha is not null ? Utc(at)
            : isFresh ? download?.ReceivedAt : null;
        DateTimeOffset? failingSince = error is null ? null
            : download?.Error is not null ? download.FailingSince
            : previous is { Error: not null, FailingSince: { } since } ? Utc(since) : download?.ReceivedAt;
        return new CrlFetchStatus
        {
            Url = url,
            Source = source,
            Issuer = crl?.Issuer,
            CrlNumber = crl?.Extensions.Number?.ToString(CultureInfo.InvariantCulture),
            ThisUpdate = crl?.ThisUpdate.UtcDateTime,
            NextUpdate = crl?.NextUpdate?.UtcDateTime,
            Sha256 = sha,
            FetchedAt = fetchedAt?.UtcDateTime,
            Error = error,
            FailingSince = failingSince?.UtcDateTime,
        };
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private bool IsCurrent(CertificateRevocationList crl) => crl.ThisUpdate <= context.Now && (crl.NextUpdate is not { } next || context.Now <= next);

    private string Staleness(CertificateRevocationList crl) =>
        crl.NextUpdate is { } next && context.Now > next
            ? $"expired (nextUpdate {TrustBundleCertificates.Format(next)})"
            : $"not valid yet (thisUpdate {TrustBundleCertificates.Format(crl.ThisUpdate)})";

    private static string Describe(CertificateRevocationList crl) =>
        $"CRL Number {TrustBundleCrlChoice.Number(crl.Extensions.Number)}, thisUpdate {TrustBundleCertificates.Format(crl.ThisUpdate)}";

    /// <summary>One CRL body checked as any CRL of the bundle is: read, usable by OpenSSL, signed by a bundle CA (findings kept aside, so a
    /// bad download does not block while a held CRL is good).</summary>
    private Candidate Verify(byte[] body, string source)
    {
        if (body.Length > InputLimits.MaxSourceBytes)
        {
            return new Candidate(null, DataSourceReasons.SourceTooLarge, $"it is {body.Length} bytes, more than the limit of {InputLimits.MaxSourceBytes} (1 MiB)");
        }

        var scratch = new Findings();
        var crls = TrustBundleCrls.Parse(body, source, scratch);
        if (scratch.Problems.FirstOrDefault() is { } unreadable)
        {
            return new Candidate(null, unreadable.Reason, Unprefixed(unreadable.Message, source));
        }

        if (crls.Count != 1)
        {
            return new Candidate(null, TrustBundleReasons.MalformedCrl, $"it holds {crls.Count} CRLs; a distribution point serves exactly one");
        }

        var crl = crls[0];
        if (CrlUsability.Check(crl, source, scratch) && TrustBundleCrls.Match(crl, source, cas, scratch) is not null)
        {
            return new Candidate(crl, null, null);
        }

        var first = scratch.Problems.First();
        return new Candidate(null, first.Reason, Unprefixed(first.Message, source));
    }

    private static string Unprefixed(string message, string source) =>
        message.StartsWith(source, StringComparison.Ordinal) ? message[source.Length..].TrimStart(':', ' ') : message;

    /// <summary>A CRL body verified (<see cref="Crl"/>) or not (<see cref="Reason"/> and <see cref="Why"/>).</summary>
    private sealed record Candidate(CertificateRevocationList? Crl, string? Reason, string? Why)
    {
        public string Reason { get; } = Reason ?? "";
    }
}
