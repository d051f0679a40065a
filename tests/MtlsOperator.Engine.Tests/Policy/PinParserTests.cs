using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Policy;
using TestPki;

namespace MtlsOperator.Engine.Tests.Policy;

public sealed class PinParserTests
{
    private static readonly X509Certificate2 s_client = ClientWithBothUrlUnsafeCharacters();
    private static readonly CertificateFingerprints s_fingerprints = CertificateFingerprints.Of(s_client);

    [SkippableTheory]
    [InlineData(PinAlgorithm.Sha1, "-sha1")]
    [InlineData(PinAlgorithm.Sha256, "-sha256")]
    public void Thumbprint_pasted_from_openssl_equals_the_certificate_thumbprint(PinAlgorithm algorithm, string digest)
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        var printed = OpensslFingerprint(digest);

        var result = PinParser.Parse(algorithm, printed);

        var expected = algorithm == PinAlgorithm.Sha1 ? s_fingerprints.Sha1 : s_fingerprints.Sha256;
        Assert.Equal(new CertificatePin(algorithm, expected), result.Pin);
    }

    [SkippableFact]
    public void Spki_pin_from_the_openssl_pipeline_equals_the_certificate_spki_hash()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var dir = new TempDirectory();
        var path = dir.Write("client.crt", PemExport.Certificate(s_client));
        var pubkey = OpensslCli.Run(dir.Directory, ["x509", "-in", path, "-pubkey", "-noout"]);
        var spkiDer = OpensslCli.Run(dir.Directory, ["pkey", "-pubin", "-outform", "der"], pubkey);
        var digest = OpensslCli.Run(dir.Directory, ["dgst", "-sha256", "-binary"], spkiDer);
        var base64 = OpensslCli.Run(dir.Directory, ["base64"], digest);

        var result = PinParser.Parse(PinAlgorithm.SpkiSha256, System.Text.Encoding.ASCII.GetString(base64));

        Assert.Equal(new CertificatePin(PinAlgorithm.SpkiSha256, s_fingerprints.SpkiSha256), result.Pin);
    }

    public static TheoryData<string> Sha256Spellings()
    {
        var lower = s_fingerprints.Sha256;
        var colons = CertificateFingerprints.WithColons(lower);
        return new TheoryData<string>
        {
            lower,
            lower.ToUpperInvariant(),
            colons,
            colons.ToLowerInvariant(),
            colons.Replace(':', ' '),
            colons.Replace(':', '-'),
            "sha256:" + lower,
            "SHA256 Fingerprint=" + colons,
            "sha256 Fingerprint = " + colons,
            "\u200e" + lower.ToUpperInvariant(),
            "\"" + colons + "\"",
            "  " + lower + "\n",
            "Thumbprint: " + lower,
        };
    }

    [Theory]
    [MemberData(nameof(Sha256Spellings))]
    public void Every_common_spelling_of_a_sha256_thumbprint_normalizes_to_lowercase_hex(string spelling)
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, spelling);

        Assert.Null(result.Error);
        Assert.Equal(s_fingerprints.Sha256, result.Pin!.Value);
    }

    public static TheoryData<string> Sha1Spellings()
    {
        var lower = s_fingerprints.Sha1;
        var colons = CertificateFingerprints.WithColons(lower);
        return new TheoryData<string> { lower, colons, colons.Replace(':', ' ').ToLowerInvariant(), "SHA1 Fingerprint=" + colons, "sha-1: " + lower };
    }

    [Theory]
    [MemberData(nameof(Sha1Spellings))]
    public void Every_common_spelling_of_a_sha1_thumbprint_normalizes_to_lowercase_hex(string spelling)
    {
        Assert.Equal(s_fingerprints.Sha1, PinParser.Parse(PinAlgorithm.Sha1, spelling).Pin?.Value);
    }

    /// <summary>A client whose SPKI hash in base64 has both '+' and '/': only then does the URL-safe spelling differ from the standard
    /// one in both characters. About three random keys in four lack one of them, which left the URL-safe case a duplicate row of the
    /// unpadded one (and the theory a row shorter) in those runs.</summary>
    private static X509Certificate2 ClientWithBothUrlUnsafeCharacters()
    {
        var root = TestCertificateAuthority.CreateRoot();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var client = root.IssueClient("CN=pinned,O=Test");
            var spki = CertificateFingerprints.Of(client).SpkiSha256;
            if (spki.Contains('+', StringComparison.Ordinal) && spki.Contains('/', StringComparison.Ordinal))
            {
                return client;
            }
        }

        throw new InvalidOperationException("200 client keys without both '+' and '/' in their SPKI hash's base64");
    }

    public static TheoryData<string> SpkiSpellings()
    {
        var base64 = s_fingerprints.SpkiSha256;
        var hex = Convert.ToHexStringLower(Convert.FromBase64String(base64));
        var url = base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new TheoryData<string>
        {
            base64,
            "sha256/" + base64,
            "pin-sha256=\"" + base64 + "\"",
            base64.TrimEnd('='),
            url,
            hex,
            CertificateFingerprints.WithColons(hex),
            "spki-sha256: " + base64,
        };
    }

    [Theory]
    [MemberData(nameof(SpkiSpellings))]
    public void Every_common_spelling_of_an_spki_pin_normalizes_to_standard_base64(string spelling)
    {
        var result = PinParser.Parse(PinAlgorithm.SpkiSha256, spelling);

        Assert.Null(result.Error);
        Assert.Equal(s_fingerprints.SpkiSha256, result.Pin!.Value);
    }

    [Fact]
    public void Sha1_length_value_under_sha256_says_to_move_it_to_sha1()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, CertificateFingerprints.WithColons(s_fingerprints.Sha1));

        Assert.Null(result.Pin);
        Assert.Contains("40 hex digits, which is a SHA-1 certificate thumbprint; put it under sha1", result.Error);
    }

    [Fact]
    public void Sha256_length_value_under_sha1_says_to_move_it_to_sha256()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha1, s_fingerprints.Sha256);

        Assert.Contains("64 hex digits, which is a SHA-256 thumbprint; put it under sha256", result.Error);
    }

    [Fact]
    public void Sha1_thumbprint_under_spkiSha256_says_to_move_it_to_sha1()
    {
        var result = PinParser.Parse(PinAlgorithm.SpkiSha256, s_fingerprints.Sha1);

        Assert.Contains("put it under sha1", result.Error);
    }

    [Fact]
    public void Md5_fingerprint_is_refused_with_the_command_for_sha256()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, new string('a', 32));

        Assert.Contains("MD5", result.Error);
        Assert.Contains("-fingerprint -sha256", result.Error);
    }

    [Fact]
    public void Truncated_thumbprint_reports_how_many_digits_it_has()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, s_fingerprints.Sha256[..62]);

        Assert.Contains("has 62 hex digits; a sha256 thumbprint has 64", result.Error);
    }

    [Fact]
    public void Non_hex_character_is_named()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha1, "zz" + s_fingerprints.Sha1[2..]);

        Assert.Contains("contains 'z', which is not a hex digit", result.Error);
    }

    [Fact]
    public void Base64_spki_pin_under_sha256_says_to_move_it_to_spkiSha256()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, "sha256/" + s_fingerprints.SpkiSha256);

        Assert.Contains("put it under spkiSha256", result.Error);
    }

    [Fact]
    public void Sha256_label_under_sha1_is_refused()
    {
        var result = PinParser.Parse(PinAlgorithm.Sha1, "SHA256 Fingerprint=" + s_fingerprints.Sha1);

        Assert.Contains("but is under sha1; put it under sha256", result.Error);
    }

    [Fact]
    public void Spki_pin_of_the_wrong_size_reports_its_byte_count()
    {
        var result = PinParser.Parse(PinAlgorithm.SpkiSha256, Convert.ToBase64String(new byte[20]));

        Assert.Contains("decodes to 20 bytes", result.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u200e")]
    public void Empty_pin_is_refused(string? text)
    {
        var result = PinParser.Parse(PinAlgorithm.Sha256, text);

        Assert.Null(result.Pin);
        Assert.Contains("is empty", result.Error);
    }

    private static string OpensslFingerprint(string digest)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("client.crt", PemExport.Certificate(s_client));
        return OpensslCli.RunText(dir.Directory, "x509", "-in", path, "-noout", "-fingerprint", digest);
    }
}
