using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Tests.Policy;

public sealed class PinSetTests
{
    private static readonly CertificatePin s_sha1 = new(PinAlgorithm.Sha1, new string('a', 40));
    private static readonly CertificatePin s_sha256 = new(PinAlgorithm.Sha256, new string('b', 64));
    private static readonly CertificatePin s_other = new(PinAlgorithm.Sha256, new string('c', 64));
    private static readonly CertificatePin s_key = new(PinAlgorithm.SpkiSha256, Convert.ToBase64String(new byte[32]));

    [Fact]
    public void Distinct_pins_are_kept_in_spec_order()
    {
        var set = new PinSet();

        Assert.Null(set.Add("spec.pins[0]", [s_sha256]));
        Assert.Null(set.Add("spec.pins[1]", [s_other]));

        Assert.Equal(["spec.pins[0]", "spec.pins[1]"], set.Entries.Select(e => e.Source));
    }

    [Fact]
    public void Repeated_pin_is_reported_against_the_earlier_entry_and_kept_once()
    {
        var set = new PinSet();
        set.Add("spec.pins[0]", [s_sha256]);

        var repeated = set.Add("spec.pins[1]", [s_sha256]);

        Assert.Equal(new PinMerge("spec.pins[0]", PinRepetition.SameCertificate), repeated);
        Assert.Single(set.Entries);
    }

    [Fact]
    public void Certificate_pin_repeating_a_thumbprint_adds_its_other_forms_to_the_earlier_entry()
    {
        var set = new PinSet();
        set.Add("spec.pins[0]", [s_sha1]);

        set.Add("spec.pins[1]", [s_sha1, s_sha256]);

        var entry = Assert.Single(set.Entries);
        Assert.Equal("spec.pins[0]", entry.Source);
        Assert.Equal([s_sha1, s_sha256], entry.Forms.ToArray());
    }

    [Fact]
    public void Two_certificates_sharing_a_key_stay_two_entries()
    {
        var set = new PinSet();
        set.Add("spec.pins[0]", [new(PinAlgorithm.Sha1, new string('1', 40)), new(PinAlgorithm.Sha256, new string('1', 64)), s_key]);

        var renewed = set.Add("spec.pins[1]", [new(PinAlgorithm.Sha1, new string('2', 40)), new(PinAlgorithm.Sha256, new string('2', 64)), s_key]);

        Assert.Null(renewed);
        Assert.Equal(2, set.Entries.Length);
        Assert.Equal(new string('2', 64), set.Entries[1].Forms.Single(f => f.Algorithm == PinAlgorithm.Sha256).Value);
    }

    [Fact]
    public void A_key_pin_and_a_certificate_with_that_key_stay_two_entries()
    {
        var set = new PinSet();
        set.Add("spec.pins[0]", [s_key]);

        Assert.Null(set.Add("spec.pins[1]", [s_sha1, s_sha256, s_key]));
        Assert.Equal(2, set.Entries.Length);
    }

    [Fact]
    public void The_same_key_pin_twice_is_one_entry_reported_as_the_same_key()
    {
        var set = new PinSet();
        set.Add("spec.pins[0]", [s_key]);

        Assert.Equal(new PinMerge("spec.pins[0]", PinRepetition.SameKey), set.Add("spec.pins[1]", [s_key]));
        Assert.Single(set.Entries);
    }
}
