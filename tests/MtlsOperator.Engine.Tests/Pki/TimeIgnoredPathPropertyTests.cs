using System.Security.Cryptography.X509Certificates;
using CsCheck;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>A path built with validity periods ignored is verified at a moment inside every given certificate's validity when that
/// cannot change OpenSSL's choices (saving .NET's second verification pass). Seeded random leaves, anchors and candidates (renewed CAs
/// sharing a name, expired, not yet valid, strangers, repeats, any order) must give exactly what the verifier gives at the epoch, the
/// time it always used: same path, same root verdict, same missing issuer, same flags. CsCheck prints the seed on failure; replay
/// with <c>CsCheck_Seed</c>.</summary>
public sealed class TimeIgnoredPathPropertyTests
{
    private static readonly DateTimeOffset s_now = DateTimeOffset.UtcNow;
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=Epoch Root,O=Corp", notBefore: s_now.AddYears(-2));
    private static readonly TestCertificateAuthority s_renewedRoot =
        TestCertificateAuthority.CreateRoot("CN=Epoch Root,O=Corp", notBefore: s_now.AddYears(-9), notAfter: s_now.AddYears(-1));
    // The root renewed with its own key, expiring later: either one issues everything the root issued. At a moment both are valid
    // OpenSSL takes the first candidate; at the epoch, the latest to expire.
    private static readonly X509Certificate2 s_rootRenewedSameKey = SameKeyRenewal(s_root.Certificate, s_now.AddDays(-30), s_now.AddYears(20));
    private static readonly TestCertificateAuthority s_futureRoot =
        TestCertificateAuthority.CreateRoot("CN=Future Root,O=Corp", notBefore: s_now.AddDays(30), notAfter: s_now.AddYears(3));
    private static readonly TestCertificateAuthority s_issuing = s_root.CreateIntermediate("CN=Epoch Issuing,O=Corp");
    // Same name, another key, expiring later: at a moment both are valid OpenSSL takes the first candidate, at the epoch the latest to expire.
    private static readonly TestCertificateAuthority s_issuingTwin =
        s_root.CreateIntermediate("CN=Epoch Issuing,O=Corp", notBefore: s_now.AddDays(-10), notAfter: s_now.AddYears(6));
    private static readonly TestCertificateAuthority s_oldIssuing =
        s_renewedRoot.CreateIntermediate("CN=Epoch Issuing,O=Corp", notBefore: s_now.AddYears(-5), notAfter: s_now.AddYears(-2));
    private static readonly TestCertificateAuthority s_futureIssuing = s_futureRoot.CreateIntermediate("CN=Future Issuing,O=Corp", notBefore: s_now.AddDays(31));
    private static readonly TestCertificateAuthority s_stranger = TestCertificateAuthority.CreateRoot("CN=Stranger Root,O=Else");

    private static readonly X509Certificate2[] s_leaves =
    [
        s_issuing.IssueServer("now.example.com"),
        s_issuing.IssueServer(new LeafOptions { DnsNames = ["expired.example.com"], NotBefore = s_now.AddDays(-20), NotAfter = s_now.AddDays(-10) }),
        s_oldIssuing.IssueServer(new LeafOptions { DnsNames = ["old.example.com"], NotBefore = s_now.AddYears(-4), NotAfter = s_now.AddYears(-3) }),
        s_futureIssuing.IssueServer(new LeafOptions { DnsNames = ["future.example.com"], NotBefore = s_now.AddDays(40), NotAfter = s_now.AddDays(400) }),
        s_root.IssueServer("direct.example.com"),
        s_stranger.IssueServer("stranger.example.com"),
        s_stranger.Certificate,
    ];

    private static readonly X509Certificate2[] s_authorities =
    [
        s_root.Certificate, s_rootRenewedSameKey, s_renewedRoot.Certificate, s_futureRoot.Certificate, s_issuing.Certificate, s_issuingTwin.Certificate,
        s_oldIssuing.Certificate, s_futureIssuing.Certificate, s_stranger.Certificate,
    ];

    [Fact]
    public void Paths_ignoring_time_are_the_verifiers_paths_at_the_epoch()
    {
        var sameAtAnotherTime = 0;
        var gen =
            from leaf in Gen.Int[0, s_leaves.Length - 1]
            from anchors in Gen.Int[0, s_authorities.Length - 1].Array[0, 4]
            from untrusted in Gen.Int[0, s_authorities.Length + s_leaves.Length - 1].Array[0, 6]
            select (leaf, anchors, untrusted);
        gen.Sample(c =>
        {
            var leaf = s_leaves[c.leaf];
            var anchors = c.anchors.Select(i => s_authorities[i]).ToList();
            var untrusted = c.untrusted.Select(i => i < s_authorities.Length ? s_authorities[i] : s_leaves[i - s_authorities.Length]).ToList();

            var built = CertificatePaths.Build(leaf, anchors, untrusted, null);
            var epoch = AtTheEpoch(leaf, anchors, untrusted);

            Assert.Equal(epoch.Path.Select(p => Convert.ToHexString(p.RawData)), built.Path.Select(p => Convert.ToHexString(p.RawData)));
            Assert.Equal(epoch.RootReached, built.RootReached);
            Assert.Equal(epoch.MissingIssuer, built.MissingIssuer);
            Assert.Equal(epoch.Flags, built.Flags);
            if (HasCommonMoment([leaf, .. anchors, .. untrusted]))
            {
                Interlocked.Increment(ref sameAtAnotherTime);
            }
        }, iter: 600, threads: 1);

        // The cases the faster build handles differently must occur, or the property proved nothing about them.
        Assert.True(sameAtAnotherTime > 30, $"only {sameAtAnotherTime} cases were verified at another time than the epoch");
    }

    private static X509Certificate2 SameKeyRenewal(X509Certificate2 ca, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ca.GetECDsaPrivateKey()!;
        var request = new CertificateRequest(ca.SubjectName, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var extension in ca.Extensions)
        {
            request.CertificateExtensions.Add(extension);
        }

        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>Unique subjects (by content) and overlapping validity: the cases built at a moment inside every validity.</summary>
    private static bool HasCommonMoment(List<X509Certificate2> given)
    {
        var distinct = given.DistinctBy(c => Convert.ToHexString(c.RawData)).ToList();
        return distinct.Select(c => Convert.ToHexString(CanonicalName.Of(c.SubjectName).Encoding)).Distinct().Count() == distinct.Count
            && distinct.Max(c => c.NotBefore.ToUniversalTime()).AddSeconds(2) <= distinct.Min(c => c.NotAfter.ToUniversalTime());
    }

    /// <summary>The verifier as the engine always ran it for time-ignoring paths: custom root trust at the Unix epoch, time errors
    /// ignored, the path cut at the first element whose signature or trust is broken, elements mapped back to the given instances.</summary>
    private static PathCheck AtTheEpoch(X509Certificate2 leaf, List<X509Certificate2> anchors, List<X509Certificate2> untrusted)
    {
        const X509ChainStatusFlags Broken =
            X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.Cyclic;
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = DateTime.UnixEpoch;
        policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid | X509VerificationFlags.IgnoreNotTimeNested;
        policy.CustomTrustStore.AddRange(anchors.ToArray());
        policy.ExtraStore.AddRange(untrusted.ToArray());
        chain.Build(leaf);
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status)
            & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested | X509ChainStatusFlags.CtlNotTimeValid);
        var given = new List<X509Certificate2> { leaf };
        given.AddRange(anchors);
        given.AddRange(untrusted);
        var path = new List<X509Certificate2>();
        var broken = false;
        foreach (var element in chain.ChainElements)
        {
            path.Add(given.First(g => g.RawData.AsSpan().SequenceEqual(element.Certificate.RawData)));
            if (element.ChainElementStatus.Any(s => (s.Status & Broken) != 0))
            {
                broken = true;
                break;
            }
        }

        var rootReached = !broken && (flags & Broken) == 0 && chain.ChainElements.Count > 0;
        return new PathCheck([.. path], rootReached, rootReached ? null : path[^1].Issuer, flags);
    }
}
