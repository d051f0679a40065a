using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using MtlsOperator.Engine.Evaluation;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Tests.Pki;
using TestPki;
using static MtlsOperator.Engine.Tests.Evaluation.TrustBundles;

namespace MtlsOperator.Engine.Tests.Evaluation;

/// <summary>Seeded random sets of real, signed CRLs of one CA (colliding CRL Numbers and seconds, deltas, revocations and releases of four
/// clients, any order) through the TrustBundle evaluator: the bundle either renders exactly the CRL the rules choose, and nothing else, or
/// is not Ready with the reason the rules give. CsCheck prints the seed on failure; replay with <c>CsCheck_Seed</c>.</summary>
public sealed class TrustBundleCrlPropertyTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Property CRL CA,O=Corp");
    private static readonly X509Certificate2[] s_clients = [.. Enumerable.Range(0, 4).Select(i => s_ca.IssueClient($"CN=client-{i}"))];
    private static readonly string[] s_serials = [.. s_clients.Select(c => c.SerialNumber)];
    private static readonly DateTimeOffset s_start = DateTimeOffset.FromUnixTimeSeconds(Now.AddHours(-2).ToUnixTimeSeconds());

    private static readonly Gen<CrlContents> s_crl =
        from delta in Gen.Int[0, 3]
        from number in Gen.Int[0, 4]
        from deltaBase in Gen.Int[1, 4]
        from second in Gen.Int[0, 2]
        from revoked in Gen.Int[0, 15]
        from removed in Gen.Int[0, 15]
        select new CrlContents
        {
            Number = number == 0 ? null : new BigInteger(number),
            DeltaBase = delta == 0 ? new BigInteger(deltaBase) : null,
            ThisUpdate = s_start.AddSeconds(second),
            Revoked = Clients(revoked),
            RemovedFromCrl = delta == 0 ? Clients(removed & ~revoked) : [],
        };

    [Fact]
    public void Bundle_renders_exactly_the_chosen_crl_or_is_refused_with_the_rules_reason()
    {
        s_crl.Array[1, 5].Sample(set =>
        {
            var pems = set.Select(c => HandBuiltCrl.BuildPem(s_ca, c)).ToArray();
            var crls = pems.Select(p => CertificateRevocationList.Parse(PemOrDer.Read(System.Text.Encoding.ASCII.GetBytes(p), PemLabels.Crl).Objects[0])).ToList();

            var result = Evaluate(Bundle([Inline(s_ca)], pems.Select(Inline)));

            var reasons = result.Status.Problems.Select(p => p.Reason).ToHashSet();
            if (crls.All(c => c.Extensions.IsDelta))
            {
                AssertRefused(result, reasons, TrustBundleReasons.DeltaCrlWithoutBase);
                return;
            }

            if (CrlRules.Winner(crls) is not { } chosen)
            {
                AssertRefused(result, reasons, TrustBundleReasons.AmbiguousCrls);
                return;
            }

            if (crls.Any(c => c != chosen && CrlRules.ExpectedFate(c, chosen, s_serials) == CrlFate.DeltaNotEnforceable))
            {
                AssertRefused(result, reasons, TrustBundleReasons.DeltaCrlNotEnforceable);
                return;
            }

            Assert.Equal(chosen.ToPem(), result.Anchors!.CrlPem);
            Assert.Equal(chosen.Extensions.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(result.Status.Crls).CrlNumber);
            Assert.Equal(crls.Count - 1, result.Status.Problems.Count);
        }, iter: 300, threads: 1);
    }

    private static void AssertRefused(TrustBundleEvaluation result, HashSet<string> reasons, string reason)
    {
        Assert.Null(result.Output);
        Assert.Contains(reason, reasons);
        Assert.Equal("False", Ready(result).Status);
    }

    private static X509Certificate2[] Clients(int mask) => [.. s_clients.Where((_, i) => (mask & (1 << i)) != 0)];
}
