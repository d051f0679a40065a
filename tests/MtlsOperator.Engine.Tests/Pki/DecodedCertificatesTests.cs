using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>The cache behind <see cref="CertificateDecoding.TryLoad"/>: exact bytes in, the same decoded instance out from the second
/// reading on; bounded, least recently used forgotten first; failures never remembered.</summary>
public sealed class DecodedCertificatesTests
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Decoded Cache Root,O=Test");
    private static readonly X509Certificate2 s_keyHolder = s_ca.IssueServer("key.decoded.example");

    private static byte[] NewDer(string name) => s_ca.IssueServer(new LeafOptions { DnsNames = [name], KeyOf = s_keyHolder }).RawData;

    private static X509Certificate2 Decode(byte[] der) => X509CertificateLoader.LoadCertificate(der);

    [Fact]
    public void Bytes_offered_once_are_not_kept_and_bytes_offered_again_are()
    {
        var cache = new DecodedCertificates(capacity: 4, sightings: 16);
        var der = NewDer("a.example");

        var first = cache.Offer(der, Decode(der));
        Assert.Null(cache.Find(der));

        var second = cache.Offer(der, Decode(der));
        Assert.NotSame(first, second);
        Assert.Same(second, cache.Find(der));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Lookup_is_by_exact_bytes()
    {
        var cache = new DecodedCertificates(capacity: 4, sightings: 16);
        var der = NewDer("exact.example");
        cache.Offer(der, Decode(der));
        cache.Offer(der, Decode(der));

        var flipped = (byte[])der.Clone();
        flipped[^1] ^= 1;

        Assert.Null(cache.Find(flipped));
        Assert.Null(cache.Find(der.AsSpan(0, der.Length - 1)));
        Assert.NotNull(cache.Find((byte[])der.Clone()));
    }

    [Fact]
    public void A_full_cache_forgets_the_least_recently_used_certificate_first()
    {
        var cache = new DecodedCertificates(capacity: 3, sightings: 64);
        var ders = Enumerable.Range(0, 5).Select(i => NewDer($"lru{i}.example")).ToArray();
        foreach (var der in ders.Take(3))
        {
            cache.Offer(der, Decode(der));
            cache.Offer(der, Decode(der));
        }

        // Using the first one makes the second the least recently used.
        Assert.NotNull(cache.Find(ders[0]));
        cache.Offer(ders[3], Decode(ders[3]));
        cache.Offer(ders[3], Decode(ders[3]));

        Assert.Equal(3, cache.Count);
        Assert.NotNull(cache.Find(ders[0]));
        Assert.Null(cache.Find(ders[1]));
        Assert.NotNull(cache.Find(ders[2]));
        Assert.NotNull(cache.Find(ders[3]));
    }

    [Fact]
    public void A_certificate_in_constant_use_survives_any_number_of_others()
    {
        var cache = new DecodedCertificates(capacity: 8, sightings: 32);
        var shared = NewDer("shared-ca.example");
        cache.Offer(shared, Decode(shared));
        var kept = cache.Offer(shared, Decode(shared));
        for (var i = 0; i < 100; i++)
        {
            var other = NewDer($"churn{i}.example");
            cache.Offer(other, Decode(other));
            cache.Offer(other, Decode(other));
            Assert.Same(kept, cache.Find(shared));
        }

        Assert.Equal(8, cache.Count);
    }

    [Fact]
    public void Sightings_are_bounded_and_forgotten_together()
    {
        var cache = new DecodedCertificates(capacity: 4, sightings: 2);
        var ders = Enumerable.Range(0, 3).Select(i => NewDer($"sight{i}.example")).ToArray();
        foreach (var der in ders)
        {
            cache.Offer(der, Decode(der));
        }

        // The third sighting overflowed the two remembered, so the first two must be seen twice again.
        cache.Offer(ders[0], Decode(ders[0]));
        Assert.Null(cache.Find(ders[0]));
        cache.Offer(ders[2], Decode(ders[2]));
        Assert.NotNull(cache.Find(ders[2]));
    }

    [Fact]
    public void Offering_bytes_already_held_returns_the_held_instance()
    {
        var cache = new DecodedCertificates(capacity: 4, sightings: 16);
        var der = NewDer("race.example");
        cache.Offer(der, Decode(der));
        var held = cache.Offer(der, Decode(der));

        Assert.Same(held, cache.Offer(der, Decode(der)));
    }

    [Fact]
    public void Shared_decoding_returns_one_instance_from_the_second_reading_and_unshared_never_does()
    {
        var der = NewDer("shared-decoding.example");

        var first = CertificateDecoding.TryLoad(der, out _);
        var second = CertificateDecoding.TryLoad(der, out _);
        var third = CertificateDecoding.TryLoad(der, out var problem);
        var own = CertificateDecoding.TryLoadUnshared(der, out _);

        Assert.Null(problem);
        Assert.NotSame(first, second);
        Assert.Same(second, third);
        Assert.NotSame(third, own);
        Assert.Equal(der, own!.RawData);
    }

    [Fact]
    public void Bytes_that_fail_to_decode_fail_every_time_and_leave_good_bytes_alone()
    {
        var good = NewDer("good.example");
        var bad = (byte[])good.Clone();
        bad[4] ^= 0xFF;

        for (var i = 0; i < 4; i++)
        {
            Assert.Null(CertificateDecoding.TryLoad(bad, out var problem));
            Assert.Equal("is not a valid X.509 certificate", problem);
            Assert.Equal(good, CertificateDecoding.TryLoad(good, out var none)!.RawData);
            Assert.Null(none);
        }
    }

    [Fact]
    public void A_certificate_with_a_damaged_extension_is_refused_every_time()
    {
        // Signed and well framed, but its subjectAltName is not DER: refused on reading, so never remembered.
        var der = CertificateWithBrokenSan();

        Assert.Null(CertificateDecoding.TryLoad(der, out var first));
        Assert.NotNull(first);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(CertificateDecoding.TryLoad(der, out var problem));
            Assert.Equal(first, problem);
        }
    }

    private static byte[] CertificateWithBrokenSan()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=broken-san", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", [0x30, 0x03, 0x82, 0x05, 0x61], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        return certificate.RawData;
    }
}
