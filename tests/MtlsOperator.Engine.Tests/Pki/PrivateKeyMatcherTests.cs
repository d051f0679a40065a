using System.Security.Cryptography.X509Certificates;
using System.Text;
using CsCheck;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>A key's public half is derived once and compared with every certificate: seeded random sequences of certificates
/// (its own, others of the same and other algorithms and curves, in any order, repeated) get from one matcher exactly the verdicts
/// a fresh check of each gives, for readable keys of every format and for keys that cannot be read. CsCheck prints the seed on
/// failure; replay with <c>CsCheck_Seed</c>.</summary>
public sealed class PrivateKeyMatcherTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Matcher Root,O=Test");
    private static readonly X509Certificate2[] s_certificates =
    [
        .. new[] { TestKeyKind.EcdsaP256, TestKeyKind.EcdsaP256, TestKeyKind.EcdsaP384, TestKeyKind.Rsa2048, TestKeyKind.Rsa2048 }
            .Select((kind, i) => s_ca.IssueServer(new LeafOptions { Key = kind, DnsNames = [$"m{i}.example.com"] })),
        s_ca.Certificate,
    ];

    private static readonly PemBlock[] s_keys =
    [
        .. s_certificates.Take(5).Select(c => Key(PemExport.PrivateKey(c))),
        Key(PemExport.EcPrivateKey(s_certificates[0])),
        Key(PemExport.RsaPrivateKey(s_certificates[3])),
        new PemBlock(PrivateKeyPem.Sec1Label, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }),
        new PemBlock(PrivateKeyPem.Pkcs8Label, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }),
        new PemBlock(PrivateKeyPem.Pkcs1Label, new byte[] { 0x30, 0x03, 0x02, 0x01, 0x00 }),
    ];

    private static PemBlock Key(string pem) => PrivateKeyPem.Read(Encoding.UTF8.GetBytes(pem)).Block!;

    [Fact]
    public void One_matcher_gives_every_certificate_the_verdict_of_a_fresh_check()
    {
        var gen =
            from key in Gen.Int[0, s_keys.Length - 1]
            from order in Gen.Int[0, s_certificates.Length - 1].Array[1, 8]
            select (key, order);
        gen.Sample(c =>
        {
            var matcher = new PrivateKeyMatcher(s_keys[c.key]);
            foreach (var index in c.order)
            {
                Assert.Equal(PrivateKeyMatch.Check(s_certificates[index], s_keys[c.key]), matcher.Check(s_certificates[index]));
            }
        }, iter: 150);
    }

    [Fact]
    public void The_own_certificate_matches_after_others_and_an_unreadable_key_stays_unreadable()
    {
        var own = new PrivateKeyMatcher(s_keys[1]);
        Assert.Equal(KeyMatchOutcome.Mismatch, own.Check(s_certificates[0]).Outcome);
        Assert.Equal(KeyMatchOutcome.Match, own.Check(s_certificates[1]).Outcome);
        Assert.Equal(KeyMatchOutcome.Mismatch, own.Check(s_certificates[3]).Outcome);

        var unreadable = new PrivateKeyMatcher(s_keys[^3]);
        Assert.Equal(KeyMatchOutcome.Unreadable, unreadable.Check(s_certificates[0]).Outcome);
        Assert.Equal(KeyMatchOutcome.Unreadable, unreadable.Check(s_certificates[1]).Outcome);
    }
}
