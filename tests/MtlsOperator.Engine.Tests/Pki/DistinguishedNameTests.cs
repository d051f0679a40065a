using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

public sealed class DistinguishedNameTests
{
    [Fact]
    public void Certificate_name_is_printed_most_specific_first_without_spaces()
    {
        var root = TestCertificateAuthority.CreateRoot("CN=Test Root CA,O=Test,C=DE");

        Assert.Equal("CN=Test Root CA,O=Test,C=DE", DistinguishedName.Format(root.Certificate.SubjectName));
    }

    [SkippableFact]
    public void Special_characters_print_exactly_as_openssl_rfc2253_prints_them()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCountryOrRegion("DE");
        builder.AddDomainComponent("example");
        builder.AddOrganizationName("Acme+Co; \"Intl\" <x>");
        builder.AddOrganizationalUnitName("#1 team ");
        builder.AddEmailAddress("ops@example.com");
        builder.AddCommonName("José\\Müller, Jr");
        var certificate = SelfSigned(builder.Build());
        using var dir = new TempDirectory();
        var path = dir.Write("c.crt", PemExport.Certificate(certificate));
        var printed = OpensslCli.RunText(dir.Directory, "x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253");

        Assert.Equal(printed["subject=".Length..], DistinguishedName.Format(certificate.SubjectName));
    }

    [Fact]
    public void Text_printed_for_a_certificate_parses_back_to_the_same_text()
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("Acme+Co; \"Intl\" <x>");
        builder.AddCommonName("José\\Müller, Jr ");
        var printed = DistinguishedName.Format(builder.Build());

        Assert.True(DistinguishedName.TryParse(printed, allowWildcards: false, out var parsed, out var error), error);
        Assert.Equal(printed, parsed!.ToString());
    }

    [Theory]
    [InlineData("CN=client, O=Example", "CN=client,O=Example")]
    [InlineData("  cn = client ,o=Example ", "CN=client,O=Example")]
    [InlineData("commonName=client,organizationName=Example,countryName=DE", "CN=client,O=Example,C=DE")]
    [InlineData("2.5.4.3=client,OID.2.5.4.10=Example", "CN=client,O=Example")]
    [InlineData("E=ops@example.com,CN=x", "emailAddress=ops@example.com,CN=x")]
    [InlineData("CN=\"Smith, John\",O=Example", "CN=Smith\\, John,O=Example")]
    [InlineData("CN=Jos\\C3\\A9", "CN=Jos\\C3\\A9")]
    [InlineData("CN=José", "CN=Jos\\C3\\A9")]
    [InlineData("CN=a+UID=b,O=c", "CN=a+UID=b,O=c")]
    [InlineData("CN=\\ padded\\ ", "CN=\\ padded\\ ")]
    [InlineData("1.2.3.4=#0403616263,CN=x", "1.2.3.4=#0403616263,CN=x")]
    public void Written_names_normalize_to_the_openssl_form(string written, string normalized)
    {
        Assert.True(DistinguishedName.TryParse(written, allowWildcards: false, out var name, out var error), error);
        Assert.Equal(normalized, name!.ToString());
    }

    [Fact]
    public void Wildcard_is_kept_when_allowed()
    {
        Assert.True(DistinguishedName.TryParse("CN=*.clients, O=Example", allowWildcards: true, out var name, out _));
        Assert.Equal("CN=*.clients,O=Example", name!.ToPatternText());
        Assert.Equal([0], name.Rdns[0][0].Wildcards.ToArray());
    }

    [Theory]
    [InlineData(@"CN=\*")]
    [InlineData(@"CN=\2A")]
    [InlineData(@"CN=\2a")]
    [InlineData("CN=\"*\"")]
    public void An_escaped_or_quoted_asterisk_is_a_literal_not_a_wildcard(string written)
    {
        foreach (var allowWildcards in new[] { true, false })
        {
            Assert.True(DistinguishedName.TryParse(written, allowWildcards, out var name, out var error), error);
            var attribute = name!.Rdns[0][0];
            Assert.Equal(("*", 0), (attribute.Value, attribute.Wildcards.Length));
            Assert.Equal(@"CN=\*", name.ToPatternText());
            Assert.Equal("CN=*", name.ToString());
        }
    }

    [Fact]
    public void Literal_asterisks_and_wildcards_keep_their_places_in_pattern_text()
    {
        Assert.True(DistinguishedName.TryParse(@"CN=a\**b\2Ax*,O=y", allowWildcards: true, out var name, out var error), error);
        var cn = name!.Rdns[0][0];
        Assert.Equal("a*b*x", cn.Value);
        Assert.Equal([2, 5], cn.Wildcards.ToArray());
        Assert.Equal(@"CN=a\**b\*x*,O=y", name.ToPatternText());
    }

    [Fact]
    public void Wildcard_is_refused_when_not_allowed()
    {
        Assert.False(DistinguishedName.TryParse("CN=*,O=Example", allowWildcards: false, out _, out var error));
        Assert.Contains("wildcards are only allowed in subject rules", error);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("client", "without '='")]
    [InlineData("CN=a,", "ends with ','")]
    [InlineData("Foo=a", "attribute type \"Foo\", which is not known")]
    [InlineData("CN=a;O=b", "unescaped ';'")]
    [InlineData("CN=a\\", "lone backslash")]
    [InlineData("CN=\"a", "no closing one")]
    [InlineData("CN=\"a\"b", "after a quoted or #hex value")]
    [InlineData("=a", "without an attribute type")]
    [InlineData("CN=\\FF", "not valid UTF-8")]
    public void Malformed_names_are_refused_with_a_reason(string written, string expected)
    {
        Assert.False(DistinguishedName.TryParse(written, allowWildcards: false, out var name, out var error));
        Assert.Null(name);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Random_text_never_throws()
    {
        const string alphabet = "CNOU=,+;\"\\#<> *aZ09.\u00e9\t";
        var random = new Random(1779);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());

            var ok = DistinguishedName.TryParse(text, allowWildcards: true, out var name, out var error);

            Assert.True(ok ? name is not null && error is null : name is null && error is not null, text);
            if (ok)
            {
                Assert.True(DistinguishedName.TryParse(name!.ToString(), allowWildcards: true, out var again, out _), text);
                Assert.Equal(name.ToString(), again!.ToString());
            }
        }
    }

    private static X509Certificate2 SelfSigned(X500DistinguishedName name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
