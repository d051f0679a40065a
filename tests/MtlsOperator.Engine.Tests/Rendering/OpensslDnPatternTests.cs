using System.Text.RegularExpressions;
using MtlsOperator.Engine.Rendering.DistinguishedNames;

namespace MtlsOperator.Engine.Tests.Rendering;

/// <summary>The right-hand strings are what HAProxy 2.6 (<c>ssl_c_s_dn(,0,rfc2253)</c>) and nginx 1.22 (<c>$ssl_client_s_dn</c>)
/// printed for real certificates on this machine (both use OpenSSL's RFC 2253 printer).</summary>
public class OpensslDnPatternTests
{
    [Theory]
    [InlineData("CN=plain,O=Test", "CN=plain,O=Test")]
    [InlineData("CN=Lab Root,O=Lab", "CN=Lab Root,O=Lab")]
    [InlineData("CN=a\\,b,O=x\\+y,OU=q\\\"uote", "CN=a\\,b,O=x\\+y,OU=q\\\"uote")]
    [InlineData("CN=back\\\\slash,O=eq=ual\\;semi\\<lt\\>gt", "CN=back\\\\slash,O=eq=ual\\;semi\\<lt\\>gt")]
    [InlineData("CN=\\ lead space,O=\\#hash", "CN=\\ lead space,O=\\#hash")]
    [InlineData("CN=trail\\ ,O=Test", "CN=trail\\ ,O=Test")]
    [InlineData("CN=a\\0Ab,O=Test", "CN=a\\0Ab,O=Test")]
    [InlineData("1.2.3.4=#0C0161,O=Test", "1.2.3.4=#0C0161,O=Test")]
    [InlineData("CN=ünï,O=Test", "CN=\\C3\\BCn\\C3\\AF,O=Test")]
    [InlineData("CN=\\C3\\BCn\\C3\\AF,O=Test", "CN=\\C3\\BCn\\C3\\AF,O=Test")]
    [InlineData("E=a@b.c,CN=mail,O=Test,DC=example,DC=com", "emailAddress=a@b.c,CN=mail,O=Test,DC=example,DC=com")]
    [InlineData("cn=O'Brien,o=Test", "CN=O'Brien,O=Test")]
    [InlineData("2.5.4.3=x,S=Bavaria,C=DE", "CN=x,ST=Bavaria,C=DE")]
    public void Exact_names_match_openssl_rendering(string rule, string printed) =>
        Assert.Matches(Exact(rule), printed);

    [Theory]
    [InlineData("CN=multi+UID=42,O=Test", "UID=42+CN=multi,O=Test")]
    [InlineData("UID=42+CN=multi,O=Test", "UID=42+CN=multi,O=Test")]
    public void Multi_valued_rdns_match_in_any_order(string rule, string printed) =>
        Assert.Matches(Exact(rule), printed);

    [Theory]
    [InlineData("CN=plain,O=Test", "CN=plain,O=Test2")]
    [InlineData("CN=plain,O=Test", "CN=Plain,O=Test")]
    [InlineData("CN=plain,O=Test", "CN=plain,OU=x,O=Test")]
    [InlineData("CN=a.b,O=Test", "CN=aXb,O=Test")]
    public void Exact_names_do_not_match_anything_else(string rule, string printed) =>
        Assert.DoesNotMatch(Exact(rule), printed);

    [Theory]
    [InlineData("CN=*,OU=Partners,O=Corp", "CN=acme,OU=Partners,O=Corp")]
    [InlineData("CN=*,OU=Partners,O=Corp", "CN=,OU=Partners,O=Corp")]
    [InlineData("CN=*,OU=Partners,O=Corp", "CN=a\\,b,OU=Partners,O=Corp")]
    [InlineData("CN=svc-*,O=Corp", "CN=svc-billing,O=Corp")]
    [InlineData("CN=*-prod,O=Corp", "CN=\\C3\\BC-prod,O=Corp")]
    [InlineData("CN=* x,O=Corp", "CN=\\ x,O=Corp")]
    [InlineData("CN=* x,O=Corp", "CN=a x,O=Corp")]
    [InlineData("CN=*#,O=Corp", "CN=\\#,O=Corp")]
    public void Wildcards_match_within_one_value(string rule, string printed) =>
        Assert.Matches(Wild(rule), printed);

    [Theory]
    [InlineData(@"CN=\*,O=Corp", "CN=*,O=Corp")]
    [InlineData(@"CN=\2A,O=Corp", "CN=*,O=Corp")]
    [InlineData("CN=\"*\",O=Corp", "CN=*,O=Corp")]
    [InlineData(@"CN=svc-\*-*,O=Corp", "CN=svc-*-prod,O=Corp")]
    public void Escaped_asterisks_match_a_literal_asterisk(string rule, string printed) =>
        Assert.Matches(Wild(rule), printed);

    [Theory]
    [InlineData(@"CN=\*,O=Corp", "CN=alice,O=Corp")]
    [InlineData(@"CN=\2A,O=Corp", "CN=,O=Corp")]
    [InlineData("CN=\"*\",O=Corp", "CN=**,O=Corp")]
    [InlineData(@"CN=svc-\*-*,O=Corp", "CN=svc-x-prod,O=Corp")]
    public void Escaped_asterisks_are_never_wildcards(string rule, string printed) =>
        Assert.DoesNotMatch(Wild(rule), printed);

    [Theory]
    [InlineData("CN=*,OU=Partners,O=Corp", "CN=a,OU=b,OU=Partners,O=Corp")]
    [InlineData("CN=*,O=Corp", "CN=x\\,O=Corp")]
    [InlineData("CN=*,O=Corp", "CN=x+UID=1,O=Corp")]
    [InlineData("CN=svc-*,O=Corp", "CN=svc,O=Corp")]
    public void Wildcards_never_cross_a_value(string rule, string printed) =>
        Assert.DoesNotMatch(Wild(rule), printed);

    [Fact]
    public void Stars_outside_subject_rules_are_refused()
    {
        Assert.Null(OpensslDnPattern.TryBuild("CN=*,O=Corp", wildcards: false, out var error));
        Assert.Contains("wildcards are only allowed in subject rules", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN=x,XYZ=1", "attribute type \"XYZ\"")]
    [InlineData("CN=a;b", "unescaped ';'")]
    [InlineData("CN=a\\", "lone backslash")]
    [InlineData("", "empty")]
    [InlineData("CN=a,", "ends with ','")]
    [InlineData("CN=a+UID=b+O=c+OU=d", "at most 3")]
    public void Names_that_cannot_be_matched_exactly_are_refused(string rule, string reason)
    {
        Assert.Null(OpensslDnPattern.TryBuild(rule, wildcards: true, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN=O'Brien\\, \\\"Ltd\\\" #1 {x}\\;$y,O=Test")]
    [InlineData("CN=*,O=Test")]
    public void Patterns_contain_no_character_either_config_syntax_treats_specially(string rule)
    {
        var pattern = OpensslDnPattern.TryBuild(rule, wildcards: true, out _)!;
        Assert.DoesNotMatch("['\"$#{}\\n\\r\\t]", pattern);
    }

    private static Regex Exact(string rule) => Anchored(OpensslDnPattern.TryBuild(rule, wildcards: false, out var error) ?? throw new InvalidOperationException(error));

    private static Regex Wild(string rule) => Anchored(OpensslDnPattern.TryBuild(rule, wildcards: true, out var error) ?? throw new InvalidOperationException(error));

    private static Regex Anchored(string body) => new("^" + body + "$", RegexOptions.CultureInvariant);
}
