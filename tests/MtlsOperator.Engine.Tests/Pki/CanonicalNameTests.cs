using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Tests.Properties;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>The engine's one name comparison is OpenSSL's (<c>X509_NAME_cmp</c>): checked by example and, for generated names,
/// against the hash <c>openssl x509 -subject_hash</c> computes over OpenSSL's own canonical encoding.</summary>
public sealed class CanonicalNameTests
{
    private static CanonicalName Of(params NameValue[][] rdns) => CanonicalName.FromDer(RandomNames.Der([.. rdns.Select(r => r.ToList())]));

    private static NameValue Cn(string value, UniversalTagNumber tag = UniversalTagNumber.UTF8String) => new("2.5.4.3", tag, value);

    [Fact]
    public void Case_and_white_space_of_string_values_do_not_matter()
    {
        Assert.Equal(Of([Cn("Corp  Issuing\tCA")]), Of([Cn(" corp issuing ca ", UniversalTagNumber.PrintableString)]));
    }

    [Fact]
    public void Non_ascii_letters_keep_their_case()
    {
        Assert.NotEqual(Of([Cn("Ü")]), Of([Cn("ü")]));
    }

    [Fact]
    public void String_types_are_one_type_once_canonical_but_numeric_strings_are_not()
    {
        Assert.Equal(Of([Cn("abc", UniversalTagNumber.BMPString)]), Of([Cn("ABC", UniversalTagNumber.IA5String)]));
        Assert.NotEqual(Of([Cn("123", UniversalTagNumber.NumericString)]), Of([Cn("123", UniversalTagNumber.PrintableString)]));
    }

    [Fact]
    public void A_multi_valued_rdn_is_the_same_in_any_order_but_not_the_same_as_two_rdns()
    {
        var o = new NameValue("2.5.4.10", UniversalTagNumber.UTF8String, "x");
        Assert.Equal(Of([Cn("a"), o]), Of([o, Cn("a")]));
        Assert.NotEqual(Of([Cn("a"), o]), Of([Cn("a")], [o]));
    }

    [Fact]
    public void A_rule_text_compares_with_the_certificate_name_it_spells()
    {
        var certificate = TestCertificateAuthority.CreateRoot("CN=Corp Issuing CA,O=Corp,C=DE").Certificate;
        Assert.True(DistinguishedName.TryParse("cn = corp issuing ca , o=CORP, c=de", allowWildcards: false, out var parsed, out _));

        Assert.Equal(CanonicalName.Of(certificate.SubjectName), CanonicalName.Of(parsed!));
    }

    [Fact]
    public void A_name_lies_within_the_subtrees_of_its_leading_rdns_only()
    {
        var name = CanonicalName.Of(new X500DistinguishedName("CN=svc,OU=Partners,O=Corp"));

        Assert.True(name.IsWithin(CanonicalName.Of(new X500DistinguishedName("O=corp"))));
        Assert.True(name.IsWithin(CanonicalName.Of(new X500DistinguishedName("OU=partners,O=Corp"))));
        Assert.False(name.IsWithin(CanonicalName.Of(new X500DistinguishedName("O=Partner"))));
        Assert.False(name.IsWithin(CanonicalName.Of(new X500DistinguishedName("OU=Partners"))));
    }

    [Fact]
    public void Unreadable_der_equals_only_the_same_bytes()
    {
        byte[] broken = [0x30, 0x03, 0x31, 0x01];
        Assert.False(CanonicalName.FromDer(broken).IsWellFormed);
        Assert.Equal(CanonicalName.FromDer(broken), CanonicalName.FromDer(broken.ToArray()));
        Assert.NotEqual(CanonicalName.FromDer(broken), CanonicalName.FromDer(new byte[] { 0x30, 0x00 }));
    }

    [SkippableFact]
    public void Generated_names_hash_and_print_exactly_as_openssl_does()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        const int Names = 40;
        var seed = Seeded.SeedOr(509);
        var random = new Random(seed);
        var certificates = new List<(string Label, X509Certificate2 Certificate, int Group)>();
        for (var i = 0; i < Names; i++)
        {
            var name = RandomNames.Name(random);
            certificates.Add(($"{i}", RandomNames.Certificate(name), i));
            certificates.Add(($"{i}a", RandomNames.Certificate(RandomNames.Variant(random, name)), i));
            certificates.Add(($"{i}b", RandomNames.Certificate(RandomNames.Variant(random, name)), i));
        }

        var printed = OpensslPrint(certificates.Select(c => c.Certificate).ToList());
        for (var i = 0; i < certificates.Count; i++)
        {
            var (label, certificate, group) = certificates[i];
            var context = $"{Seeded.SeedVariable}={seed.ToString(CultureInfo.InvariantCulture)}, name {label}: {Convert.ToHexString(certificate.SubjectName.RawData)}";
            Assert.True(printed[i].Hash == CanonicalName.Of(certificate.SubjectName).OpensslHash, $"hash differs from openssl's ({printed[i].Hash}); {context}");
            Assert.True(printed[i].Subject == DistinguishedName.Format(certificate.SubjectName),
                $"openssl prints \"{printed[i].Subject}\", the engine \"{DistinguishedName.Format(certificate.SubjectName)}\"; {context}");
            var first = certificates.FindIndex(c => c.Group == group);
            Assert.True(printed[first].Hash == printed[i].Hash, $"the variant generator made a name openssl calls different; {context}");
        }

        var distinct = printed.Select(p => p.Hash).Distinct().Count();
        Assert.True(distinct >= Names * 9 / 10, $"only {distinct} distinct names in {Names} groups ({Seeded.SeedVariable}={seed})");
    }

    /// <summary>For each certificate: the subject hash and the RFC 2253 subject as <c>openssl x509</c> prints them.</summary>
    private static List<(string Hash, string Subject)> OpensslPrint(List<X509Certificate2> certificates)
    {
        using var dir = new TempDirectory();
        var script = new System.Text.StringBuilder();
        for (var i = 0; i < certificates.Count; i++)
        {
            dir.Write($"{i}.pem", PemExport.Certificate(certificates[i]));
            script.Append(CultureInfo.InvariantCulture, $"openssl x509 -in {i}.pem -noout -subject_hash -subject -nameopt RFC2253 || exit 1\n");
        }

        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", script.ToString()])
        {
            WorkingDirectory = dir.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n');
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr.Result);
        return [.. Enumerable.Range(0, certificates.Count).Select(i => (lines[2 * i], lines[(2 * i) + 1]["subject=".Length..]))];
    }
}
