using System.Collections.Immutable;
using System.Numerics;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>The rules for choosing one CRL per issuer, on CRL facts alone (the evaluator tests use signed CRLs).</summary>
public sealed class CrlChoiceTests
{
    private static readonly DateTimeOffset s_second = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Higher_crl_number_wins_within_the_same_second_in_either_order()
    {
        var one = Crl(number: 1, revoked: []);
        var two = Crl(number: 2, revoked: ["0A"]);

        Assert.Same(two, CrlChoice.Choose([one, two], c => c).Chosen);
        Assert.Same(two, CrlChoice.Choose([two, one], c => c).Chosen);
    }

    [Fact]
    public void Crl_number_outranks_thisupdate()
    {
        var higherButEarlier = Crl(number: 9, at: s_second);
        var lowerButLater = Crl(number: 8, at: s_second.AddHours(1));

        Assert.Same(higherButEarlier, CrlChoice.Choose([lowerButLater, higherButEarlier], c => c).Chosen);
    }

    [Fact]
    public void Without_numbers_the_later_thisupdate_wins()
    {
        var earlier = Crl(at: s_second);
        var later = Crl(at: s_second.AddSeconds(1));

        var result = CrlChoice.Choose([later, earlier], c => c);

        Assert.Same(later, result.Chosen);
        Assert.Equal(CrlFate.Superseded, result.Verdicts.Single(v => v.Crl == earlier).Fate);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(3, 3)]
    [InlineData(3, null)]
    public void Same_second_and_nothing_else_to_tell_them_apart_is_undecided(int? a, int? b)
    {
        var first = Crl(number: a);
        var second = Crl(number: b);

        var result = CrlChoice.Choose([first, second], c => c);

        Assert.Null(result.Chosen);
        Assert.Equal([(first, CrlFate.Undecided, second), (second, CrlFate.Undecided, first)], result.Verdicts.Select(v => (v.Crl, v.Fate, v.Other)));
    }

    [Fact]
    public void Delta_is_never_chosen_even_when_newer()
    {
        var complete = Crl(number: 1, revoked: ["01"]);
        var delta = Crl(number: 2, deltaBase: 1, at: s_second.AddHours(1), revoked: ["02"]);

        var result = CrlChoice.Choose([delta, complete], c => c);

        Assert.Same(complete, result.Chosen);
        Assert.Equal(CrlFate.DeltaNotEnforceable, result.Verdicts.Single(v => v.Crl == delta).Fate);
    }

    [Fact]
    public void Delta_numbered_at_or_below_the_complete_crl_is_included_in_it()
    {
        var complete = Crl(number: 5, revoked: []);
        var delta = Crl(number: 5, deltaBase: 4, revoked: ["02"]);

        Assert.Equal(CrlFate.DeltaIncluded, CrlChoice.Choose([complete, delta], c => c).Verdicts[1].Fate);
    }

    [Fact]
    public void Delta_that_repeats_revocations_of_the_complete_crl_changes_nothing()
    {
        var complete = Crl(number: 1, revoked: ["01", "02"]);
        var delta = Crl(number: 2, deltaBase: 1, revoked: ["02"]);

        Assert.Equal(CrlFate.DeltaChangesNothing, CrlChoice.Choose([complete, delta], c => c).Verdicts[1].Fate);
    }

    [Fact]
    public void Delta_releasing_a_certificate_the_complete_crl_revokes_is_not_enforceable()
    {
        var complete = Crl(number: 1, revoked: ["01"]);
        var delta = Crl(number: 2, deltaBase: 1, revoked: [], removed: ["01"]);

        Assert.Equal(CrlFate.DeltaNotEnforceable, CrlChoice.Choose([complete, delta], c => c).Verdicts[1].Fate);
    }

    [Fact]
    public void Only_deltas_have_no_base()
    {
        var delta = Crl(number: 2, deltaBase: 1);

        var result = CrlChoice.Choose([delta], c => c);

        Assert.Null(result.Chosen);
        Assert.Equal(CrlFate.DeltaWithoutBase, Assert.Single(result.Verdicts).Fate);
    }

    private static CertificateRevocationList Crl(int? number = null, int? deltaBase = null, DateTimeOffset? at = null,
        string[]? revoked = null, string[]? removed = null) =>
        CrlFacts.Of(Guid.NewGuid().ToByteArray(), number, deltaBase, at ?? s_second, revoked ?? [], removed ?? []);
}

/// <summary>CRL records built from facts alone (no signature), for the chooser's tests.</summary>
internal static class CrlFacts
{
    private static readonly SignedStructure s_unsigned = new(ReadOnlyMemory<byte>.Empty, "1.2.840.10045.4.3.2", null, []);

    public static CertificateRevocationList Of(byte[] identity, int? number, int? deltaBase, DateTimeOffset thisUpdate,
        IEnumerable<string> revoked, IEnumerable<string> removed) =>
        new(identity, s_unsigned, ReadOnlyMemory<byte>.Empty, "CN=Facts CA", thisUpdate, thisUpdate.AddDays(7), [.. revoked])
        {
            Extensions = new CrlExtensions(number is { } n ? new BigInteger(n) : null, deltaBase is { } b ? new BigInteger(b) : null, null, null,
                ImmutableArray<string>.Empty),
            RemovedSerials = [.. removed],
        };
}
