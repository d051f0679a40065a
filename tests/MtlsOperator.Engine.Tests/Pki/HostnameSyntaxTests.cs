using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class HostnameSyntaxTests
{
    [Theory]
    [InlineData("example.com")]
    [InlineData("api-1.Example.COM")]
    [InlineData("*.example.com")]
    [InlineData("*.default.svc")]
    [InlineData("localhost")]
    [InlineData("xn--bcher-kva.example")]
    public void Valid_dns_names_pass(string hostname) => Assert.Null(HostnameSyntax.Problem(hostname));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a..example.com", "empty label")]
    [InlineData("example.com.", "trailing dot")]
    [InlineData("a.*.example.com", "left-most")]
    [InlineData("api*.example.com", "left-most")]
    [InlineData("*.com", "two labels")]
    [InlineData("under_score.example.com", "letters, digits and hyphens")]
    [InlineData("-bad.example.com", "hyphen")]
    [InlineData("bücher.example", "xn--")]
    [InlineData("10.0.0.1", "IP address")]
    public void Invalid_names_are_explained(string hostname, string explanation) =>
        Assert.Contains(explanation, HostnameSyntax.Problem(hostname), StringComparison.Ordinal);

    [Fact]
    public void Label_longer_than_63_characters_is_refused() =>
        Assert.Contains("longer than 63", HostnameSyntax.Problem(new string('a', 64) + ".example.com"), StringComparison.Ordinal);

    [Fact]
    public void Name_longer_than_253_characters_is_refused() =>
        Assert.Contains("longer than 253", HostnameSyntax.Problem(string.Join('.', Enumerable.Repeat(new string('a', 60), 5))), StringComparison.Ordinal);
}
