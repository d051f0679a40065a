using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>What the platform's X.509 verifier found for one certificate path.</summary>
/// <param name="Path">Leaf first, then each issuer whose signature was proven, as the given instances (not copies).</param>
/// <param name="RootReached">Whether the path ends at one of the trust anchors with every signature verified.</param>
/// <param name="MissingIssuer">The issuer name of the last certificate of <see cref="Path"/> when the root was not reached.</param>
/// <param name="Flags">Every problem the verifier reported for the whole chain (time problems included unless ignored).</param>
public sealed record PathCheck(ImmutableArray<X509Certificate2> Path, bool RootReached, string? MissingIssuer, X509ChainStatusFlags Flags)
{
    /// <summary>The path as a chain of certificates to serve or describe.</summary>
    public CertificateChain ToChain() => new(Path, RootReached, MissingIssuer);
}

/// <summary>The one place certificate paths are built and verified: the platform's <see cref="X509Chain"/> with custom root trust,
/// which on Linux is OpenSSL's own verifier, the library inside HAProxy and nginx. No system store, no downloads, no revocation
/// (CRLs are judged separately), and the time is always given: the engine has no clock.</summary>
public static class CertificatePaths
{
    private const X509ChainStatusFlags BrokenPath =
        X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.Cyclic;

    /// <summary>Self-signed verdicts remembered by certificate content; past it, all are forgotten at once.</summary>
    private const int SelfSignedCapacity = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_selfSigned = new(StringComparer.Ordinal);

    private const X509VerificationFlags IgnoreTime =
        X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid | X509VerificationFlags.IgnoreNotTimeNested;

    /// <summary>Builds <paramref name="leaf"/>'s path to one of <paramref name="anchors"/> through <paramref name="untrusted"/>
    /// (any order, duplicates and strangers allowed), verified at <paramref name="at"/>; with a null time, validity periods are ignored.</summary>
    public static PathCheck Build(X509Certificate2 leaf, IEnumerable<X509Certificate2> anchors, IEnumerable<X509Certificate2> untrusted, DateTimeOffset? at)
    {
        var given = new List<X509Certificate2> { leaf };
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        foreach (var anchor in anchors)
        {
            policy.CustomTrustStore.Add(anchor);
            given.Add(anchor);
        }

        foreach (var certificate in untrusted)
        {
            policy.ExtraStore.Add(certificate);
            given.Add(certificate);
        }

        policy.VerificationTime = (at ?? TimeToIgnore(given)).UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.VerificationFlags = at is null ? IgnoreTime : X509VerificationFlags.NoFlag;

        try
        {
            chain.Build(leaf);
        }
        catch (CryptographicException)
        {
            return new PathCheck([leaf], false, SafeIssuer(leaf), X509ChainStatusFlags.InvalidExtension);
        }

        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        if (at is null)
        {
            flags &= ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested | X509ChainStatusFlags.CtlNotTimeValid);
        }

        // A path is only as long as its proven signatures: an element whose issuer's key does not verify it ends the path there.
        var elements = chain.ChainElements;
        var path = ImmutableArray.CreateBuilder<X509Certificate2>(elements.Count);
        var broken = false;
        foreach (var element in elements)
        {
            path.Add(given.FirstOrDefault(g => g.RawDataMemory.Span.SequenceEqual(element.Certificate.RawDataMemory.Span)) ?? element.Certificate);
            if (element.ChainElementStatus.Any(s => (s.Status & BrokenPath) != 0))
            {
                broken = true;
                break;
            }
        }

        var rootReached = !broken && (flags & BrokenPath) == 0 && elements.Count > 0;
        var last = path[^1];
        var check = new PathCheck(path.ToImmutable(), rootReached, rootReached ? null : SafeIssuer(last), flags);
        ReleaseCopies(elements, check.Path);
        return check;
    }

    /// <summary>Disposes the chain's own copies of its elements that <paramref name="kept"/> does not hand out. Each element is a
    /// new certificate over a native OpenSSL object that <see cref="X509Chain.Dispose()"/> leaves to the finalizer, so without this a
    /// cold start would keep two or three native certificates per listener alive until the next full collection.</summary>
    private static void ReleaseCopies(X509ChainElementCollection elements, ImmutableArray<X509Certificate2> kept)
    {
        foreach (var element in elements)
        {
            // A loop, not Any with a lambda: this runs for every element of every chain built, and the lambda would capture each.
            var handedOut = false;
            foreach (var k in kept)
            {
                handedOut |= ReferenceEquals(k, element.Certificate);
            }

            if (!handedOut)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>The verification time for a build that ignores validity periods. OpenSSL checks them anyway, and any error it
    /// reports makes .NET verify the whole chain a second time to collect every error (twice the signature checks). So the time is
    /// a moment inside every given certificate's validity when there is one, and nothing else can change: no two given certificates
    /// (by content) share a subject name, the only case where OpenSSL's pick among candidate issuers depends on the time (it
    /// prefers one valid then, else the latest to expire). Otherwise the epoch, before every certificate, as it always was.</summary>
    private static DateTimeOffset TimeToIgnore(List<X509Certificate2> given)
    {
        try
        {
            var distinct = new List<X509Certificate2>();
            foreach (var certificate in given)
            {
                if (!distinct.Any(d => ReferenceEquals(d, certificate) || d.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span)))
                {
                    distinct.Add(certificate);
                }
            }

            var names = distinct.Select(CanonicalName.SubjectOf).ToList();
            if (names.Any(n => !n.IsWellFormed) || names.Distinct().Count() != names.Count)
            {
                return DateTimeOffset.UnixEpoch;
            }

            var from = distinct.Max(c => new DateTimeOffset(c.NotBefore.ToUniversalTime()));
            var until = distinct.Min(c => new DateTimeOffset(c.NotAfter.ToUniversalTime()));
            // Whole seconds strictly inside [notBefore, notAfter): OpenSSL compares at second precision, and notAfter itself is expired.
            var moment = from + TimeSpan.FromSeconds(Math.Floor((until - from).TotalSeconds / 2));
            return until - from >= TimeSpan.FromSeconds(2) && moment > DateTimeOffset.UnixEpoch ? moment : DateTimeOffset.UnixEpoch;
        }
        catch (CryptographicException)
        {
            return DateTimeOffset.UnixEpoch;
        }
    }

    /// <summary>Builds a served chain: <paramref name="leaf"/> up through <paramref name="candidates"/>, trusting the self-signed ones.
    /// Validity periods are ignored here; they are reported on their own.</summary>
    public static CertificateChain BuildServed(X509Certificate2 leaf, IEnumerable<X509Certificate2> candidates)
    {
        var pool = candidates.ToList();
        var anchors = pool.Append(leaf).Where(IsSelfSigned).ToList();
        return Build(leaf, anchors, pool.Except(anchors), null).ToChain();
    }

    /// <summary>True when the verifier accepts the certificate as its own trust anchor: it names itself as issuer and its key
    /// identifiers agree (OpenSSL's notion; like OpenSSL, the self-signature of a trust anchor is not what makes it one).</summary>
    public static bool IsSelfSigned(X509Certificate2 certificate)
    {
        // OpenSSL looks for an issuer by name (X509_NAME_cmp, which CanonicalName is) before anything else, so a certificate whose
        // issuer is not its own subject can never be its own anchor; answering that without a chain build gives the verifier's
        // answer at a fraction of the cost (a build verifies signatures, and this is asked several times per certificate).
        if (!MayBeSelfIssued(certificate))
        {
            return false;
        }

        // The verdict depends on the certificate's bytes alone (no time, no other certificate), and the same CA certificate is
        // asked about in every TLS Secret that carries it: remembered by content, it is built once, not once per evaluation.
        var digest = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        if (s_selfSigned.TryGetValue(digest, out var known))
        {
            return known;
        }

        var check = Build(certificate, [certificate], [], null);
        var verdict = check.RootReached && check.Path.Length == 1;
        if (s_selfSigned.Count >= SelfSignedCapacity)
        {
            s_selfSigned.Clear();
        }

        s_selfSigned[digest] = verdict;
        return verdict;
    }

    /// <summary>False only when both names are readable and differ canonically; any doubt goes to the verifier.</summary>
    private static bool MayBeSelfIssued(X509Certificate2 certificate)
    {
        try
        {
            var subject = CanonicalName.SubjectOf(certificate);
            var issuer = CanonicalName.IssuerOf(certificate);
            return !subject.IsWellFormed || !issuer.IsWellFormed || subject.Equals(issuer);
        }
        catch (CryptographicException)
        {
            return true;
        }
    }

    private static string SafeIssuer(X509Certificate2 certificate)
    {
        try
        {
            return certificate.Issuer;
        }
        catch (CryptographicException)
        {
            return "";
        }
    }
}
