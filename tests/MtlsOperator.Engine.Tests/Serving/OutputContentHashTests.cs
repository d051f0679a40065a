using System.Text;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Engine.Tests.Serving;

public sealed class OutputContentHashTests
{
    [Fact]
    public void Hashes_each_key_then_a_zero_byte_then_the_big_endian_length_then_the_value_in_ordinal_key_order()
    {
        // Expected value from: printf 'a.txt\x00\x00\x00\x00\x00\x00\x00\x00\x02hitls.crt\x00\x00\x00\x00\x00\x00\x00\x00\x00' | sha256sum
        var files = new Dictionary<string, byte[]> { ["tls.crt"] = [], ["a.txt"] = "hi"u8.ToArray() };

        Assert.Equal("sha256:ab7ccebcdf777652a64bcb883c0b4a3e0d02e5a10f480bf0cadaba518e9016cd", OutputContentHash.Of(files));
    }

    [Fact]
    public void An_empty_secret_hashes_to_the_digest_of_nothing()
    {
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", OutputContentHash.Of([]));
    }

    [Fact]
    public void Ordinal_order_puts_upper_case_before_lower_case_whatever_order_the_files_come_in()
    {
        var upperFirst = new[] { Pair("Z", "1"), Pair("a", "2") };
        var lowerFirst = new[] { Pair("a", "2"), Pair("Z", "1") };

        Assert.Equal(OutputContentHash.Of(upperFirst), OutputContentHash.Of(lowerFirst));
        Assert.Equal(Reference(upperFirst), OutputContentHash.Of(lowerFirst));
    }

    [Fact]
    public void Moving_bytes_between_a_key_and_its_value_or_between_two_values_changes_the_hash()
    {
        Assert.NotEqual(OutputContentHash.Of([Pair("ab", "c")]), OutputContentHash.Of([Pair("a", "bc")]));
        Assert.NotEqual(OutputContentHash.Of([Pair("a", "xy"), Pair("b", "z")]), OutputContentHash.Of([Pair("a", "x"), Pair("b", "yz")]));
        Assert.NotEqual(OutputContentHash.Of([Pair("a", "")]), OutputContentHash.Of([]));
    }

    [Fact]
    public void Random_maps_hash_like_an_independent_encoding_and_any_single_byte_change_changes_the_hash()
    {
        var seed = Environment.GetEnvironmentVariable("OUTPUT_HASH_SEED") is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 8121;
        var random = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var k = random.Next(0, 6); k > 0; k--)
            {
                var value = new byte[random.Next(0, 300)];
                random.NextBytes(value);
                files[RandomKey(random)] = value;
            }

            var hash = OutputContentHash.Of(files);
            Assert.True(hash == Reference(files), $"seed {seed} (replay with OUTPUT_HASH_SEED), case {i}");
            Assert.True(OutputContentHash.IsWellFormed(hash), hash);

            var changed = files.Where(f => f.Value.Length > 0).Select(f => f.Key).FirstOrDefault();
            if (changed is not null)
            {
                var copy = files.ToDictionary(f => f.Key, f => (byte[])f.Value.Clone(), StringComparer.Ordinal);
                copy[changed][random.Next(copy[changed].Length)] ^= (byte)(1 << random.Next(8));
                Assert.True(hash != OutputContentHash.Of(copy), $"seed {seed} (replay with OUTPUT_HASH_SEED), case {i}");
            }
        }
    }

    [Theory]
    [InlineData("sha256:ab7ccebcdf777652a64bcb883c0b4a3e0d02e5a10f480bf0cadaba518e9016cd", true)]
    [InlineData("sha256:AB7CCEBCDF777652A64BCB883C0B4A3E0D02E5A10F480BF0CADABA518E9016CD", false)]
    [InlineData("sha1:ab7ccebcdf777652a64bcb883c0b4a3e0d02e5a10f480bf0cadaba518e9016cd", false)]
    [InlineData("sha256:ab7c", false)]
    [InlineData(null, false)]
    public void Only_the_canonical_spelling_is_well_formed(string? text, bool expected)
    {
        Assert.Equal(expected, OutputContentHash.IsWellFormed(text));
    }

    private static KeyValuePair<string, byte[]> Pair(string key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    private static string RandomKey(Random random)
    {
        const string alphabet = "-._aZ09bY";
        return new string(Enumerable.Range(0, random.Next(1, 8)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    // The specification written out a second way: one buffer, then one SHA-256.
    private static string Reference(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        var buffer = new List<byte>();
        foreach (var (key, value) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            buffer.AddRange(Encoding.UTF8.GetBytes(key));
            buffer.Add(0);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                buffer.Add((byte)((ulong)value.Length >> shift));
            }

            buffer.AddRange(value);
        }

        return "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(buffer.ToArray()));
    }
}
