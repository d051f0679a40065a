using System.Text.RegularExpressions;
using CsCheck;
using MtlsOperator.Engine.PathRules;

namespace MtlsOperator.Engine.Tests.PathRules;

/// <summary>The regular expressions the proxies get mean what <see cref="RequestPath"/> says, for seeded random targets built from
/// the pieces hostile paths are made of (CsCheck prints the seed on failure; replay with CsCheck_Seed=...).</summary>
public sealed class PathPatternsTests
{
    private static readonly string[] s_prefixes = ["/admin", "/api", "/api/v1.2", "/a", "/Admin-x_y~z"];

    private static readonly string[] s_pieces =
    [
        "/", "//", "/.", "/..", ".", "..", "admin", "ADMIN", "Admin", "api", "v1.2", "a", "x", "-", "_", "~", ";", "\\", "#", "?", "=", "&",
        "%", "%2", "%2f", "%2F", "%2e", "%2E", "%25", "%5c", "%3b", "%3B", "%00", "%0a", "%1f", "%20", "%7f", "%7e", "%41", "%61", "%7a", "%30",
        "%2d", "%5f", "%22", "%3f", "%23", "%c3%a9", "%zz", "%g1", "é", " ", "\t", "\u007f", "*", "+", ":", "@", "!", "'", "(", ")",
    ];

    private static readonly Gen<string> s_target = Gen.Select(Gen.OneOf("/", "", "/admin", "/api/v1.2"), Gen.OneOf(s_pieces).Array[0, 10], (start, pieces) => start + string.Concat(pieces));

    private static readonly Regex s_refusedPath = new(PathPatterns.RefusedPath, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex s_refusedTarget = new(PathPatterns.RefusedTarget, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [Fact]
    public void The_refusal_pattern_of_the_path_refuses_exactly_what_the_engine_refuses() =>
        s_target.Sample(target =>
        {
            var path = RequestPath.PathOf(target);
            Assert.True(s_refusedPath.IsMatch(path) == (RequestPath.Refusal(target) is not null), $"\"{path}\": engine says {RequestPath.Refusal(target) ?? "canonical"}");
        }, iter: 20_000);

    [Fact]
    public void The_refusal_pattern_of_the_whole_target_refuses_exactly_what_the_engine_refuses() =>
        s_target.Sample(target =>
            Assert.True(s_refusedTarget.IsMatch(target) == (RequestPath.Refusal(target) is not null), $"\"{target}\": engine says {RequestPath.Refusal(target) ?? "canonical"}"),
            iter: 20_000);

    [Fact]
    public void The_prefix_patterns_cover_exactly_the_paths_the_engine_puts_under_the_prefix() =>
        s_target.Sample(target =>
        {
            foreach (var prefix in s_prefixes)
            {
                var underPath = Regex.IsMatch(RequestPath.PathOf(target), PathPatterns.UnderPath(prefix), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
                var underTarget = Regex.IsMatch(target, PathPatterns.UnderTarget(prefix), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
                Assert.True(underPath == RequestPath.IsUnder(target, prefix) && underTarget == underPath, $"\"{target}\" under {prefix}: engine {RequestPath.IsUnder(target, prefix)}, " +
                    $"path pattern {underPath}, target pattern {underTarget}");
            }
        }, iter: 20_000);

    [Theory]
    [InlineData("/admin", "/admin", true)]
    [InlineData("/admin/", "/admin", true)]
    [InlineData("/ADMIN/x", "/admin", true)]
    [InlineData("/admin.json", "/admin", true)]
    [InlineData("/admin?x", "/admin", true)]
    [InlineData("/administrator", "/admin", false)]
    [InlineData("/admin-x", "/admin", false)]
    [InlineData("/x/admin", "/admin", false)]
    [InlineData("/x?/admin", "/admin", false)]
    [InlineData("http://host/admin/x", "/admin", true)]
    public void A_prefix_covers_its_path_up_to_a_slash_or_dot_in_any_case(string target, string prefix, bool under) =>
        Assert.Equal(under, RequestPath.IsUnder(target, prefix));

    [Theory]
    [InlineData("//admin")]
    [InlineData("/./admin")]
    [InlineData("/x/../admin")]
    [InlineData("/admin/..")]
    [InlineData("/%61dmin")]
    [InlineData("/admin%2fx")]
    [InlineData("/admin%2Fx")]
    [InlineData("/%2e%2e/admin")]
    [InlineData("/admin%00")]
    [InlineData("/admin%20")]
    [InlineData("/admin%25")]
    [InlineData("/admin%")]
    [InlineData("/admin%4")]
    [InlineData("/admin;jsessionid=1")]
    [InlineData("/admin\\x")]
    [InlineData("\\admin")]
    [InlineData("*")]
    [InlineData("")]
    [InlineData("/admin#x")]
    [InlineData("/adm\u00efn")]
    public void Spellings_apps_could_read_as_another_path_are_refused(string target) => Assert.NotNull(RequestPath.Refusal(target));

    [Theory]
    [InlineData("/")]
    [InlineData("/admin/")]
    [InlineData("/admin?x=/../%2f;")]
    [InlineData("/caf%C3%A9")]
    [InlineData("/a%22b")]
    [InlineData("/v1.2/x")]
    [InlineData("/admin..")]
    public void Canonical_spellings_are_not_refused(string target) => Assert.Null(RequestPath.Refusal(target));

    [Fact]
    public void The_longest_covering_prefix_decides() =>
        Assert.Equal(2, RequestPath.ScopeOf("/api/v1.2/orders", ["/api", "/admin", "/api/v1.2"]));

    [Theory]
    [InlineData("/admin", null)]
    [InlineData("/api/v1.2", null)]
    [InlineData("/", "must be")]
    [InlineData("/admin/", "must be")]
    [InlineData("admin", "must be")]
    [InlineData("/ad min", "must be")]
    [InlineData("/ad%6Din", "must be")]
    [InlineData("/admin/../x", "segment")]
    [InlineData("/./admin", "segment")]
    [InlineData("/admin\n", "must be")]
    public void A_prefix_is_segments_of_unreserved_characters_without_dot_segments(string prefix, string? problem)
    {
        var found = PathPrefix.Problem(prefix);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}
