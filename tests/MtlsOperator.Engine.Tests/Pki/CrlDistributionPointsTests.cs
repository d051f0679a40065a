using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>The CRL Distribution Points reader: what .NET's builder and the openssl CLI write reads back, other name forms yield nothing, and
/// mutated DER is read or refused with <see cref="AsnContentException"/>, never anything else.</summary>
public sealed class CrlDistributionPointsTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot("CN=CDP Reader Root,O=Test");

    [Fact]
    public void Each_uri_written_by_dotnets_builder_is_read_back_in_order()
    {
        var extension = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["ldap://dir.example/cn=root", "http://pki.example/root.crl"]);
        var ca = s_root.CreateIntermediate("CN=CDP Reader Issuing,O=Test", extensions: [extension]);

        var points = CrlDistributionPoints.Of(ca.Certificate);

        Assert.Equal(["ldap://dir.example/cn=root", "http://pki.example/root.crl"], points.SelectMany(p => p));
    }

    [Fact]
    public void A_certificate_without_the_extension_has_no_points()
    {
        Assert.Empty(CrlDistributionPoints.Of(s_root.Certificate));
    }

    [Fact]
    public void Points_written_by_openssl_with_several_uris_and_a_crl_issuer_are_read()
    {
        if (!OpensslCli.IsAvailable)
        {
            return;
        }

        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Directory, "ext.cnf"), """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = openssl CDP
            [ext]
            basicConstraints = critical,CA:TRUE
            crlDistributionPoints = dp1, dp2
            [dp1]
            fullname = URI:http://pki.example/root.crl, URI:ldap://dir.example/cn=root
            CRLissuer = dirName:issuer
            reasons = keyCompromise
            [dp2]
            fullname = URI:http://mirror.example/root.crl
            [issuer]
            CN = Some Issuer
            """);
        OpensslCli.Run(dir.Directory, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem",
            "-days", "2", "-config", "ext.cnf", "-extensions", "ext", "-out", "c.pem"]);
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir.Directory, "c.pem")));

        var points = CrlDistributionPoints.Of(certificate);

        Assert.Equal(2, points.Count);
        Assert.Equal(["http://pki.example/root.crl", "ldap://dir.example/cn=root"], points[0]);
        Assert.Equal(["http://mirror.example/root.crl"], points[1]);
    }

    [Fact]
    public void A_point_named_relative_to_the_crl_issuer_yields_no_uri()
    {
        // SEQUENCE { SEQUENCE { [0] { [1] RDN { SET { SEQUENCE { OID cn, UTF8String "x" } } } } } }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier("2.5.4.3");
            writer.WriteCharacterString(UniversalTagNumber.UTF8String, "x");
        }

        var points = CrlDistributionPoints.Read(writer.Encode());

        Assert.Empty(Assert.Single(points));
    }

    [Fact]
    public void Mutated_extensions_are_read_or_refused_as_malformed_der_only()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        var valid = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://pki.example/a.crl", "ldap://dir.example/cn=a"]).RawData;
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var cut = random.Next(4) == 0 ? bytes[..random.Next(bytes.Length)] : bytes;
            try
            {
                _ = CrlDistributionPoints.Read(cut);
            }
            catch (AsnContentException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSeed.Describe(seed)}: case {i}: {e.GetType().Name}: {e.Message} for {Convert.ToHexString(cut)}");
            }
        }
    }
}
