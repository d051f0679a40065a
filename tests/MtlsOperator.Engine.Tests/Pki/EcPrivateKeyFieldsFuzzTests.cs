using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>EC keys read by hand (<see cref="EcPrivateKeyFields"/>, to derive the public half from the scalar alone) get exactly the
/// verdict of the platform's own import: seeded random SEC1 and PKCS#8 keys on P-256, P-384 and P-521, with and without curve and
/// public point, with the point of another key, then randomly damaged (bytes changed, cut, grown), compared with their own
/// certificate, another of the same curve and one of another curve. CsCheck prints the seed on failure; replay with
/// <c>CsCheck_Seed</c>.</summary>
public sealed class EcPrivateKeyFieldsFuzzTests
{
    private static readonly ECCurve[] s_curves = [ECCurve.NamedCurves.nistP256, ECCurve.NamedCurves.nistP384, ECCurve.NamedCurves.nistP521];
    private static readonly ECDsa[] s_keys = [.. s_curves.SelectMany(c => new[] { ECDsa.Create(c), ECDsa.Create(c) })];
    private static readonly X509Certificate2[] s_certificates = [.. s_keys.Select(Certificate)];
    private static readonly PemBlock[] s_variants = [.. Enumerable.Range(0, s_keys.Length).SelectMany(Variants)];

    [Fact]
    public void Hand_read_ec_keys_get_the_platforms_verdict_for_every_certificate()
    {
        var fast = 0;
        var gen =
            from variant in Gen.Int[0, s_variants.Length - 1]
            from damage in Gen.Int[0, 4]
            from position in Gen.Int[0, 1 << 16]
            from value in Gen.Byte
            select (variant, damage, position, value);
        gen.Sample(c =>
        {
            var key = Damaged(s_variants[c.variant], c.damage, c.position, c.value);
            if (EcPrivateKeyFields.TryRead(key) is not null)
            {
                Interlocked.Increment(ref fast);
            }

            var matcher = new PrivateKeyMatcher(key);
            foreach (var certificate in s_certificates)
            {
                Assert.Equal(PlatformVerdict(certificate, key), matcher.Check(certificate).Outcome);
            }
        }, iter: 1500, threads: 1);

        Assert.True(fast > 300, $"only {fast} keys took the hand-read path");
    }

    [Fact]
    public void A_key_written_with_another_keys_point_is_unreadable_not_a_match_for_either_certificate()
    {
        var key = new PemBlock(PrivateKeyPem.Sec1Label, Sec1(s_keys[0].ExportParameters(true), curve: true, point: s_keys[1].ExportParameters(false).Q));
        Assert.NotNull(EcPrivateKeyFields.TryRead(key));

        Assert.Equal(KeyMatchOutcome.Unreadable, new PrivateKeyMatcher(key).Check(s_certificates[0]).Outcome);
        Assert.Equal(KeyMatchOutcome.Unreadable, new PrivateKeyMatcher(key).Check(s_certificates[1]).Outcome);
    }

    /// <summary>What the engine answered before reading keys by hand: the platform's full import, then both public halves compared.</summary>
    private static KeyMatchOutcome PlatformVerdict(X509Certificate2 certificate, PemBlock key)
    {
        if (PublicKeyAlgorithm.OfKey(key) is not PublicKeyAlgorithm.EcOid)
        {
            return PrivateKeyMatch.Check(certificate, key).Outcome;
        }

        try
        {
            using var imported = ECDsa.Create();
            if (key.Label == PrivateKeyPem.Sec1Label)
            {
                imported.ImportECPrivateKey(key.Der.Span, out _);
            }
            else
            {
                imported.ImportPkcs8PrivateKey(key.Der.Span, out _);
            }

            using var own = certificate.GetECDsaPublicKey()!;
            return imported.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(own.ExportSubjectPublicKeyInfo()) ? KeyMatchOutcome.Match : KeyMatchOutcome.Mismatch;
        }
        catch (CryptographicException)
        {
            return KeyMatchOutcome.Unreadable;
        }
        catch (PlatformNotSupportedException)
        {
            return KeyMatchOutcome.UnsupportedAlgorithm;
        }
    }

    private static PemBlock Damaged(PemBlock key, int damage, int position, byte value)
    {
        var der = key.Der.ToArray();
        var at = position % der.Length;
        byte[] damaged = damage switch
        {
            1 => [.. der[..at], (byte)(der[at] ^ (value | 1)), .. der[(at + 1)..]],
            2 => der[..at],
            3 => [.. der, value],
            4 => [.. der[..at], value, .. der[at..]],
            _ => der,
        };
        return new PemBlock(key.Label, damaged);
    }

    private static IEnumerable<PemBlock> Variants(int index)
    {
        var key = s_keys[index];
        var parameters = key.ExportParameters(true);
        var other = s_keys[index ^ 1].ExportParameters(false).Q;
        var oid = parameters.Curve.Oid.Value!;
        yield return new PemBlock(PrivateKeyPem.Sec1Label, key.ExportECPrivateKey());
        yield return new PemBlock(PrivateKeyPem.Pkcs8Label, key.ExportPkcs8PrivateKey());
        yield return new PemBlock(PrivateKeyPem.Sec1Label, Sec1(parameters, curve: true, point: null));
        yield return new PemBlock(PrivateKeyPem.Sec1Label, Sec1(parameters, curve: false, point: parameters.Q));
        yield return new PemBlock(PrivateKeyPem.Sec1Label, Sec1(parameters, curve: true, point: other));
        yield return new PemBlock(PrivateKeyPem.Pkcs8Label, Pkcs8(oid, Sec1(parameters, curve: false, point: null)));
        yield return new PemBlock(PrivateKeyPem.Pkcs8Label, Pkcs8(oid, Sec1(parameters, curve: true, point: parameters.Q)));
        yield return new PemBlock(PrivateKeyPem.Pkcs8Label, Pkcs8(oid, Sec1(parameters, curve: false, point: other)));
    }

    private static byte[] Sec1(ECParameters key, bool curve, ECPoint? point)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteOctetString(key.D);
            if (curve)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteObjectIdentifier(key.Curve.Oid.Value!);
                }
            }

            if (point is { } q)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                {
                    writer.WriteBitString([0x04, .. q.X!, .. q.Y!]);
                }
            }
        }

        return writer.Encode();
    }

    private static byte[] Pkcs8(string curve, byte[] sec1)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(PublicKeyAlgorithm.EcOid);
                writer.WriteObjectIdentifier(curve);
            }

            writer.WriteOctetString(sec1);
        }

        return writer.Encode();
    }

    private static X509Certificate2 Certificate(ECDsa key)
    {
        var now = DateTimeOffset.UtcNow;
        return new CertificateRequest("CN=ec-key", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }
}
