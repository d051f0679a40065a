using MtlsOperator.Engine.Policy;

namespace MtlsOperator.Engine.Tests.Policy;

public sealed class PinSetTests
{
    private static readonly CertificatePin s_sha1 = new(PinAlgorithm.Sha1, new string('a', 40));
    private static readonly CertificatePin s_sha256 = new(PinAlgorithm.Sha256, new string('b', 64));
    private static readonly CertificatePin s_other = new(PinAlgorithm.Sha256, new string('c', 64));

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

        Assert.Equal("spec.pins[0]", repeated);
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
}
