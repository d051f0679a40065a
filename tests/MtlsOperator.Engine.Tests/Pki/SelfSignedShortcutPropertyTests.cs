using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using MtlsOperator.Engine.Tests.Properties;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary><see cref="CertificatePaths.IsSelfSigned"/> skips the chain build when the issuer name is canonically not the subject; seeded
/// certificates whose issuer is the subject itself, the subject respelled as OpenSSL compares it, a name one character off, or another name
/// entirely, must get exactly the verifier's own answer (a chain build with the certificate as its only anchor). The respelled names are
/// where a shortcut would most likely be wrong; the verifier (here) does not take them as self-signed, and the shortcut leaves them to it.</summary>
public sealed class SelfSignedShortcutPropertyTests
{
    private static readonly ECDsa s_key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    [Fact]
    public void Shortcut_answers_as_the_verifier_for_same_respelled_near_and_foreign_issuer_names()
    {
        var verdicts = new int[2];
        Seeded.ForAll(defaultSeed: 1212, cases: 120, (random, _) =>
        {
            var subject = RandomNames.Name(random);
            var issuer = random.Next(4) switch
            {
                0 => subject,
                1 => RandomNames.Variant(random, subject),
                2 => OneCharacterOff(random, subject),
                _ => RandomNames.Name(random),
            };
            using var certificate = Signed(subject, issuer);

            var check = CertificatePaths.Build(certificate, [certificate], [], null);
            var verifier = check.RootReached && check.Path.Length == 1;

            Assert.True(verifier == CertificatePaths.IsSelfSigned(certificate),
                $"verifier says {verifier} for subject {certificate.Subject} issuer {certificate.Issuer} ({Convert.ToHexString(certificate.IssuerName.RawData)})");
            verdicts[verifier ? 1 : 0]++;
        });

        // Both answers must occur, or the property proved nothing about one of them.
        Assert.True(verdicts[0] > 10 && verdicts[1] > 10, $"self-signed {verdicts[1]}, not {verdicts[0]}");
    }

    private static List<List<NameValue>> OneCharacterOff(Random random, List<List<NameValue>> name)
    {
        var copy = name.Select(rdn => rdn.ToList()).ToList();
        var rdn = copy[random.Next(copy.Count)];
        var index = random.Next(rdn.Count);
        var value = rdn[index].Value;
        var changed = value.Length == 0 ? "x" : value[..^1] + (value[^1] == 'q' ? 'r' : 'q');
        rdn[index] = rdn[index] with { Value = changed, Tag = System.Formats.Asn1.UniversalTagNumber.UTF8String };
        return copy;
    }

    /// <summary>Signed by its own key, naming <paramref name="issuer"/> as issuer: self-signed exactly when the names compare equal.</summary>
    private static X509Certificate2 Signed(List<List<NameValue>> subject, List<List<NameValue>> issuer)
    {
        var request = new CertificateRequest(new X500DistinguishedName(RandomNames.Der(subject)), s_key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var signed = request.Create(new X500DistinguishedName(RandomNames.Der(issuer)), X509SignatureGenerator.CreateForECDsa(s_key), now.AddDays(-1), now.AddDays(1), [1, 2, 3]);
        return signed.CopyWithPrivateKey(s_key);
    }
}
