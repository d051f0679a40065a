using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>A certificate the loader accepts can be read throughout by the engine; anything else is refused with the part named, never thrown.</summary>
public sealed class CertificateDecodingFuzzTests
{
    private static readonly TestCertificateAuthority s_root = TestCertificateAuthority.CreateRoot();
    private static readonly byte[][] s_seeds =
    [
        s_root.Certificate.RawData,
        s_root.CreateIntermediate().Certificate.RawData,
        s_root.IssueServer("api.example.com").RawData,
        s_root.IssueClient("CN=client,OU=Payments,O=Example").RawData,
    ];

    [Fact]
    public void Mutated_certificates_are_refused_or_fully_readable()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        var accepted = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var der = Mutate(s_seeds[random.Next(s_seeds.Length)], random);
            X509Certificate2? certificate;
            string? problem;
            try
            {
                certificate = CertificateDecoding.TryLoad(der, out problem);
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSeed.Describe(seed)}: case {i}: TryLoad threw {e.GetType().Name}: {e.Message} for {Convert.ToHexString(der)}");
                return;
            }

            Assert.True((certificate is null) != (problem is null), $"{FuzzSeed.Describe(seed)}: case {i}: exactly one of certificate or problem");
            if (certificate is null)
            {
                continue;
            }

            accepted++;
            var read = Record.Exception(() => ReadAsTheEngineDoes(certificate));
            Assert.True(read is null, $"{FuzzSeed.Describe(seed)}: case {i}: accepted, then {read?.GetType().Name}: {read?.Message} for {Convert.ToHexString(der)}");
        }

        Assert.True(accepted > 0, $"{FuzzSeed.Describe(seed)}: no mutation was accepted, so the property was never exercised");
    }

    [Fact]
    public void Mutated_names_decode_or_fail_with_an_asn1_error()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        var names = s_seeds.Select(d => X509CertificateLoader.LoadCertificate(d).SubjectName.RawData).ToArray();
        for (var i = 0; i < 5_000; i++)
        {
            var der = Mutate(names[random.Next(names.Length)], random);
            try
            {
                _ = DistinguishedName.FromDer(der).ToString();
            }
            catch (AsnContentException)
            {
                // Not a Name: the documented failure.
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSeed.Describe(seed)}: case {i}: {e.GetType().Name}: {e.Message} for {Convert.ToHexString(der)}");
            }
        }
    }

    private static void ReadAsTheEngineDoes(X509Certificate2 certificate)
    {
        _ = CertificateAuthorityFacts.IsCertificateAuthority(certificate);
        _ = CertificateAuthorityFacts.LacksKeyCertSign(certificate);
        _ = DistinguishedName.Format(certificate.SubjectName);
        _ = DistinguishedName.Format(certificate.IssuerName);
        _ = PresentedNames.Of(certificate).ForMatching;
        _ = CertificateFingerprints.Of(certificate);
        _ = CertificatePaths.IsSelfSigned(certificate);
        _ = CertificatePaths.Build(certificate, [certificate], [], at: null);
    }

    /// <summary>One to three byte-level edits: flip, overwrite with an ASN.1-ish byte, insert, delete.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 1; n--)
        {
            var at = random.Next(bytes.Count);
            byte[] interesting = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0C, 0x13, 0x1C, 0x1E, 0x30, 0x31, 0x7F, 0x80, 0x81, 0x82, 0xA0, 0xA3, 0xFF];
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = interesting[random.Next(interesting.Length)];
                    break;
                case 2:
                    bytes.Insert(at, interesting[random.Next(interesting.Length)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }
}
