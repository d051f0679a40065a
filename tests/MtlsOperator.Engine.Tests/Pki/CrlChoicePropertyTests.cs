using CsCheck;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>Seeded random CRL sets of one issuer (CRL Numbers and seconds drawn from small ranges so they collide, deltas with random bases,
/// revocations and releases over four serials, any order) against the rules stated independently here. On failure CsCheck prints the
/// seed; replay with the environment variable <c>CsCheck_Seed</c>.</summary>
public sealed class CrlChoicePropertyTests
{
    private static readonly string[] s_serials = ["01", "02", "03", "04"];
    private static readonly DateTimeOffset s_start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed record Spec(bool Delta, int? Number, int DeltaBase, int Second, int Revoked, int Removed);

    private static readonly Gen<Spec> s_spec =
        from delta in Gen.Int[0, 3]
        from number in Gen.Int[0, 4]
        from deltaBase in Gen.Int[1, 4]
        from second in Gen.Int[0, 2]
        from revoked in Gen.Int[0, 15]
        from removed in Gen.Int[0, 15]
        select new Spec(delta == 0, number == 0 ? null : number, deltaBase, second, revoked, removed & ~revoked);

    private static readonly Gen<(CertificateRevocationList[] Crls, int[] Order)> s_sets =
        from specs in s_spec.Array[1, 6]
        from order in Gen.Shuffle(Enumerable.Range(0, specs.Length).ToArray())
        select (specs.Select((s, i) => CrlFacts.Of([(byte)i], s.Number, s.Delta ? s.DeltaBase : null, s_start.AddSeconds(s.Second),
            Serials(s.Revoked), Serials(s.Removed))).ToArray(), order);

    [Fact]
    public void Chosen_crl_comes_after_every_other_complete_crl_and_deltas_are_left_out_only_when_nothing_is_lost()
    {
        s_sets.Sample(set =>
        {
            var result = CrlChoice.Choose(set.Crls, c => c);
            var complete = set.Crls.Where(c => c.Extensions.DeltaBase is null).ToList();
            var winners = complete.Where(w => complete.All(c => c == w || CrlRules.After(w, c))).ToList();
            if (complete.Count == 0)
            {
                Assert.Null(result.Chosen);
                Assert.All(result.Verdicts, v => Assert.Equal(CrlFate.DeltaWithoutBase, v.Fate));
                return;
            }

            if (winners.Count == 0)
            {
                Assert.Null(result.Chosen);
                var (a, b) = (result.Verdicts[0], result.Verdicts[1]);
                Assert.Equal((2, CrlFate.Undecided, CrlFate.Undecided), (result.Verdicts.Length, a.Fate, b.Fate));
                Assert.Equal((a.Crl, b.Crl), (b.Other, a.Other));
                Assert.True(!CrlRules.After(a.Crl, b.Crl) || !CrlRules.After(b.Crl, a.Crl));
                Assert.All(result.Verdicts, v => Assert.Null(v.Crl.Extensions.DeltaBase));
                return;
            }

            var chosen = Assert.Single(winners);
            Assert.Same(chosen, result.Chosen);
            foreach (var verdict in result.Verdicts.Where(v => v.Crl != chosen))
            {
                Assert.Equal(CrlRules.ExpectedFate(verdict.Crl, chosen, s_serials), verdict.Fate);
                Assert.Same(chosen, verdict.Other);
            }
        }, iter: 2000);
    }

    [Fact]
    public void The_choice_does_not_depend_on_the_order_the_crls_are_listed_in()
    {
        s_sets.Sample(set =>
        {
            var listed = CrlChoice.Choose(set.Crls, c => c);
            var shuffled = CrlChoice.Choose(set.Order.Select(i => set.Crls[i]).ToArray(), c => c);
            Assert.Same(listed.Chosen, shuffled.Chosen);
            if (listed.Chosen is not null)
            {
                Assert.Equal(listed.Verdicts.Select(v => (v.Crl, v.Fate)).ToHashSet(), shuffled.Verdicts.Select(v => (v.Crl, v.Fate)).ToHashSet());
            }
        }, iter: 2000);
    }

    private static string[] Serials(int mask) => [.. s_serials.Where((_, i) => (mask & (1 << i)) != 0)];
}
