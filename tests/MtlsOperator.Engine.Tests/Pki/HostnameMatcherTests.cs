using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class HostnameMatcherTests
{
    [Fact]
    public void Exact_name_matches_case_insensitively() => Assert.True(HostnameMatcher.Covers("API.Example.com", "api.example.COM"));

    [Fact]
    public void Different_name_does_not_match() => Assert.False(HostnameMatcher.Covers("api.example.com", "web.example.com"));

    [Fact]
    public void Wildcard_matches_one_label() => Assert.True(HostnameMatcher.Covers("*.example.com", "tenant1.example.com"));

    [Fact]
    public void Wildcard_does_not_match_the_apex() => Assert.False(HostnameMatcher.Covers("*.example.com", "example.com"));

    [Fact]
    public void Wildcard_does_not_match_two_labels() => Assert.False(HostnameMatcher.Covers("*.example.com", "a.b.example.com"));

    [Fact]
    public void Wildcard_is_case_insensitive() => Assert.True(HostnameMatcher.Covers("*.EXAMPLE.com", "Tenant.example.COM"));

    [Fact]
    public void Wildcard_over_a_top_level_domain_matches_nothing() => Assert.False(HostnameMatcher.Covers("*.com", "example.com"));

    [Fact]
    public void Partial_label_wildcard_is_not_honoured() => Assert.False(HostnameMatcher.Covers("api*.example.com", "api1.example.com"));

    [Fact]
    public void Wildcard_not_in_left_most_label_is_not_honoured() => Assert.False(HostnameMatcher.Covers("a.*.example.com", "a.b.example.com"));

    [Fact]
    public void Declared_wildcard_is_covered_by_the_identical_wildcard() => Assert.True(HostnameMatcher.Covers("*.Example.com", "*.example.com"));

    [Fact]
    public void Declared_wildcard_is_not_covered_by_a_concrete_name() => Assert.False(HostnameMatcher.Covers("a.example.com", "*.example.com"));

    [Fact]
    public void Declared_wildcard_is_not_covered_by_a_broader_wildcard() => Assert.False(HostnameMatcher.Covers("*.com", "*.example.com"));

    [Fact]
    public void Trailing_dot_of_presented_name_is_ignored() => Assert.True(HostnameMatcher.Covers("api.example.com.", "api.example.com"));

    [Fact]
    public void Empty_presented_name_matches_nothing() => Assert.False(HostnameMatcher.Covers("", "example.com"));

    [Fact]
    public void Uncovered_lists_only_names_no_presented_name_covers_in_declared_order()
    {
        var uncovered = HostnameMatcher.Uncovered(["z.example.com", "a.example.com", "x.other.com", "example.com"], ["*.example.com"]);

        Assert.Equal(["x.other.com", "example.com"], uncovered.ToArray());
    }
}
