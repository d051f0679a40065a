using System.Formats.Asn1;
using System.Numerics;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>Reading what a CRL's extensions say: from .NET's builder, from hand-built DER and from <c>openssl ca -gencrl</c>.</summary>
public sealed class CrlExtensionsTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Extensions CA,O=Test");

    [Fact]
    public void Crl_number_written_by_the_platform_builder_is_read()
    {
        var crl = CertificateRevocationList.Parse(s_ca.CreateCrl(crlNumber: new BigInteger(4_000_000_000_123)));

        Assert.Equal(new BigInteger(4_000_000_000_123), crl.Extensions.Number);
        Assert.False(crl.Extensions.IsDelta);
        Assert.Empty(crl.Extensions.UnhandledCritical);
        Assert.Null(crl.Extensions.DistributionPoint);
    }

    [Fact]
    public void Delta_crl_indicator_gives_the_base_number_and_is_not_an_unhandled_critical_extension()
    {
        var crl = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents { Number = 8, DeltaBase = 7 }));

        Assert.True(crl.Extensions.IsDelta);
        Assert.Equal((new BigInteger(8), new BigInteger(7)), (crl.Extensions.Number!.Value, crl.Extensions.DeltaBase!.Value));
        Assert.Empty(crl.Extensions.UnhandledCritical);
    }

    [Fact]
    public void Issuing_distribution_point_fields_are_named()
    {
        var crl = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents
        {
            Extensions = [RawExtension.IssuingDistributionPoint(onlyUserCertificates: true)],
        }));

        Assert.Equal(["distributionPoint", "onlyContainsUserCerts"], crl.Extensions.DistributionPoint!.Value.ToArray());
    }

    [Fact]
    public void Unknown_critical_extension_is_listed_and_an_unknown_non_critical_one_is_not()
    {
        var critical = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents { Extensions = [RawExtension.Unknown(critical: true)] }));
        var plain = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents { Extensions = [RawExtension.Unknown(critical: false)] }));

        Assert.Equal(["1.3.6.1.4.1.55555.1"], critical.Extensions.UnhandledCritical.ToArray());
        Assert.Empty(plain.Extensions.UnhandledCritical);
    }

    [Fact]
    public void Critical_crl_number_is_unhandled_as_openssl_treats_it()
    {
        var crl = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents
        {
            Extensions = [new RawExtension("2.5.29.20", true, [0x02, 0x01, 0x05])],
        }));

        Assert.Equal(["2.5.29.20"], crl.Extensions.UnhandledCritical.ToArray());
        Assert.Equal(new BigInteger(5), crl.Extensions.Number);
    }

    [Fact]
    public void Critical_entry_extension_is_unhandled_but_a_certificate_issuer_entry_marks_an_indirect_crl()
    {
        var client = s_ca.IssueClient();
        var criticalEntry = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents
        {
            Revoked = [client],
            EntryExtensions = [RawExtension.Unknown(critical: true)],
        }));
        var indirect = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents
        {
            Revoked = [client],
            EntryExtensions = [new RawExtension("2.5.29.29", true, CertificateIssuerNamed("CN=Other CA"))],
        }));

        Assert.Equal(["1.3.6.1.4.1.55555.1"], criticalEntry.Extensions.UnhandledCritical.ToArray());
        Assert.False(criticalEntry.NamesOtherIssuers);
        Assert.True(indirect.NamesOtherIssuers);
        Assert.Empty(indirect.Extensions.UnhandledCritical);
    }

    [Fact]
    public void Remove_from_crl_entries_revoke_nothing()
    {
        var released = s_ca.IssueClient("CN=released");
        var revoked = s_ca.IssueClient("CN=revoked");

        var crl = CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents { Revoked = [revoked], RemovedFromCrl = [released], DeltaBase = 1 }));

        Assert.Equal([revoked.SerialNumber], crl.RevokedSerials.ToArray());
        Assert.Equal([released.SerialNumber], crl.RemovedSerials.ToArray());
    }

    [Fact]
    public void The_same_extension_twice_is_malformed()
    {
        var der = HandBuiltCrl.Build(s_ca, new CrlContents { Extensions = [RawExtension.Unknown(false), RawExtension.Unknown(false)] });

        Assert.ThrowsAny<AsnContentException>(() => CertificateRevocationList.Parse(der));
    }

    [Fact]
    public void Crl_number_that_is_not_an_integer_is_malformed()
    {
        var der = HandBuiltCrl.Build(s_ca, new CrlContents { Extensions = [new RawExtension("2.5.29.20", false, [0x05, 0x00])] });

        Assert.ThrowsAny<AsnContentException>(() => CertificateRevocationList.Parse(der));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1461501637330902918203684832716283019655932542976")] // 2^160: 21 octets
    public void Crl_number_outside_rfc_5280s_range_is_malformed(string number)
    {
        var der = HandBuiltCrl.Build(s_ca, new CrlContents { Number = BigInteger.Parse(number, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.ThrowsAny<AsnContentException>(() => CertificateRevocationList.Parse(der));
    }

    [Fact]
    public void Largest_rfc_5280_crl_number_is_read()
    {
        var largest = BigInteger.Pow(2, 160) - 1;

        Assert.Equal(largest, CertificateRevocationList.Parse(HandBuiltCrl.Build(s_ca, new CrlContents { Number = largest })).Extensions.Number);
    }

    [SkippableFact]
    public void Delta_distribution_point_and_critical_extensions_made_by_openssl_ca_are_read()
    {
        Skip.IfNot(OpensslCli.IsAvailable, "openssl CLI not installed");
        using var ca = new OpensslCa(TestCertificateAuthority.CreateRoot("CN=OpenSSL Extensions CA,O=Test"));
        ca.SetNextNumber(0x41);

        var delta = Read(ca.GenerateCrl("2.5.29.27 = critical, ASN1:INTEGER:64"));
        var idp = Read(ca.GenerateCrl("issuingDistributionPoint = critical, @idp", "[ idp ]", "fullname = URI:http://crl.example/a.crl", "onlysomereasons = keyCompromise"));
        var unknown = Read(ca.GenerateCrl("1.3.6.1.4.1.55555.9 = critical, ASN1:NULL"));

        Assert.Equal((new BigInteger(0x41), new BigInteger(64)), (delta.Extensions.Number!.Value, delta.Extensions.DeltaBase!.Value));
        Assert.Equal(["distributionPoint", "onlySomeReasons"], idp.Extensions.DistributionPoint!.Value.ToArray());
        Assert.Equal(new BigInteger(0x42), idp.Extensions.Number);
        Assert.Equal(["1.3.6.1.4.1.55555.9"], unknown.Extensions.UnhandledCritical.ToArray());
    }

    private static CertificateRevocationList Read(string pem) =>
        CertificateRevocationList.Parse(Assert.Single(PemOrDer.Read(System.Text.Encoding.ASCII.GetBytes(pem), PemLabels.Crl).Objects));

    private static byte[] CertificateIssuerNamed(string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, true)))
        {
            writer.WriteEncodedValue(new System.Security.Cryptography.X509Certificates.X500DistinguishedName(name).RawData);
        }

        return writer.Encode();
    }
}
