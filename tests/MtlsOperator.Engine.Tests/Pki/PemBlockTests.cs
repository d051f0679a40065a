using System.Diagnostics;
using System.Text;
using MtlsOperator.Engine.Pki;
using TestPki;

namespace MtlsOperator.Engine.Tests.Pki;

/// <summary>PEM splitting: the blocks openssl would read, in linear time whatever the text.</summary>
public sealed class PemBlockTests
{
    private static readonly string s_certificate = new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", TestCertificateAuthority.CreateRoot().Certificate.RawData));

    [Fact]
    public void Blocks_are_found_with_text_between_and_around_them()
    {
        var text = $"junk\n{s_certificate}\nmore junk\n{s_certificate}\n";

        Assert.Equal(2, PemBlock.ReadAll(text).Count);
    }

    [Fact]
    public void A_block_without_its_end_is_skipped_and_the_next_one_still_read()
    {
        var text = "-----BEGIN CERTIFICATE-----\nAAAA\n" + s_certificate;

        var blocks = PemBlock.ReadAll(text);

        Assert.Single(blocks);
        Assert.Equal("CERTIFICATE", blocks[0].Label);
    }

    [Fact]
    public void A_megabyte_of_begin_lines_is_split_in_linear_time()
    {
        // Quadratic splitting took 16 s for this; linear takes milliseconds, so 5 s is a wide margin for a loaded machine.
        var text = string.Concat(Enumerable.Repeat("-----BEGIN CERTIFICATE-----\n", 1024 * 1024 / 28)) + s_certificate;
        var clock = Stopwatch.StartNew();

        var blocks = PemBlock.ReadAll(text);

        Assert.Single(blocks);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void More_blocks_than_the_limit_are_refused_naming_it()
    {
        var text = string.Concat(Enumerable.Repeat(s_certificate + "\n", PemOrDer.MaxBlocks + 1));

        var content = PemOrDer.Read(Encoding.ASCII.GetBytes(text), PemLabels.Certificate);

        Assert.Contains($"limit of {PemOrDer.MaxBlocks}", content.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_pem_fragments_never_throw_anything_but_a_base64_error()
    {
        var seed = FuzzSeed.Next();
        var random = new Random(seed);
        string[] fragments = ["-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----BEGIN X509 CRL-----", "-----END ", "-----BEGIN ", "\n", " ", "AAAA", "MIIB", "=", "-----", "Proc-Type: 4", "\r\n", "\u00e9"];
        for (var i = 0; i < 5_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)]));
            try
            {
                _ = PemBlock.ReadAll(text);
                _ = PemOrDer.Read(Encoding.UTF8.GetBytes(text), PemLabels.Certificate);
            }
            catch (FormatException)
            {
                // ReadAll's documented failure; PemOrDer turns it into an error message.
            }
            catch (Exception e)
            {
                Assert.Fail($"{FuzzSeed.Describe(seed)}: case {i}: {e.GetType().Name}: {e.Message} for \"{text}\"");
            }
        }
    }
}
