using MtlsOperator.ProxyTests.Infrastructure;

namespace MtlsOperator.ProxyTests;

/// <summary>Many-to-one rules in the real proxy: issuer AND subject (with wildcards) against what the proxy prints for the client.</summary>
public abstract class RulesPolicyTests(ListenerFixture fixture)
{
    protected ProxyPki Pki => ProxyPki.Instance;

    protected RunningListener Listener => fixture.Listener;

    [SkippableFact]
    public async Task Client_matching_issuer_and_subject_wildcard_is_admitted() => Expect.Admitted(Listener, await Listener.GetAsync(Pki.Partner));

    [SkippableFact]
    public async Task Client_with_a_subject_outside_the_rules_is_forbidden() => Expect.Forbidden(Listener, await Listener.GetAsync(Pki.Staff));

    [SkippableFact]
    public async Task Matching_subject_from_another_ca_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.OtherCaPartner));

    [SkippableFact]
    public async Task Revoked_matching_client_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Revoked));

    [SkippableFact]
    public async Task Expired_matching_client_is_rejected() => Expect.ChainRejected(Listener, await Listener.GetAsync(Pki.Expired));

    [SkippableFact]
    public async Task Client_issued_by_the_root_fails_the_issuer_condition() => Expect.Forbidden(Listener, await Listener.GetAsync(Pki.RootIssued));

    [SkippableFact]
    public async Task Subject_with_escaped_and_non_ascii_characters_matches_its_exact_rule() =>
        Expect.Admitted(Listener, await Listener.GetAsync(Pki.Tricky));

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_literal_asterisk_in_a_rule_admits_only_a_literal_asterisk(int spelling)
    {
        Expect.Admitted(Listener, await Listener.GetAsync(Pki.LiteralStars[spelling]));
        Expect.Forbidden(Listener, await Listener.GetAsync(Pki.NotAStar[spelling]));
    }

    [SkippableFact]
    public async Task An_escaped_comma_cannot_stretch_a_wildcard_over_another_attribute() =>
        Expect.Forbidden(Listener, await Listener.GetAsync(Pki.ValueCrossing));
}

public sealed class HaproxyRulesPolicyTests(HaproxyRulesFixture fixture) : RulesPolicyTests(fixture), IClassFixture<HaproxyRulesFixture>;

public sealed class NginxRulesPolicyTests(NginxRulesFixture fixture) : RulesPolicyTests(fixture), IClassFixture<NginxRulesFixture>;
