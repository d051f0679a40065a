using System.Text;
using CsCheck;
using k8s.Models;
using MtlsOperator.Controller.Caching;

namespace MtlsOperator.Tests.Controller;

/// <summary>Outputs compare by digest (the cache may hold nothing else): equal digests exactly when the data is equal, and a digested
/// copy digests as its original. Seeded random maps over few keys and short values, so equal and near-equal pairs are common; on
/// failure CsCheck prints the seed, replay with <c>CsCheck_Seed</c>.</summary>
public sealed class OutputDigestTests
{
    private static readonly string[] s_keys = ["ca.crt", "tls.crt", "tls.key", "haproxy.cfg", "a", "ab"];
    private static readonly Gen<string> s_key = Gen.Int[0, 5].Select(i => s_keys[i]);
    private static readonly Gen<byte[]> s_bytes = Gen.Byte[0, 3].Array[0, 3];
    private static readonly Gen<Dictionary<string, byte[]>?> s_binary = Gen.Dictionary(s_key, s_bytes)[0, 3].Null(0.2);
    private static readonly Gen<Dictionary<string, string>?> s_strings = Gen.Dictionary(s_key, Gen.String[Gen.Char["ab\n"], 0, 3])[0, 3].Null(0.2);

    [Fact]
    public void Two_secrets_have_the_same_digest_exactly_when_they_hold_the_same_data()
    {
        Gen.Select(s_binary, s_binary).Sample((a, b) =>
        {
            var left = new V1Secret { Data = a };
            var right = new V1Secret { Data = b };
            Assert.Equal(SameBytes(a, b), OutputDigest.Of(left) == OutputDigest.Of(right));
            Assert.Equal(OutputDigest.Of(left), OutputDigest.Of(new DigestedSecret(left)));
        });
    }

    [Fact]
    public void Two_configmaps_have_the_same_digest_exactly_when_their_data_and_binary_data_are_the_same()
    {
        Gen.Select(s_strings, s_binary, s_strings, s_binary).Sample((data1, binary1, data2, binary2) =>
        {
            var left = new V1ConfigMap { Data = data1, BinaryData = binary1 };
            var right = new V1ConfigMap { Data = data2, BinaryData = binary2 };
            Assert.Equal(SameStrings(data1, data2) && SameBytes(binary1, binary2), OutputDigest.Of(left) == OutputDigest.Of(right));
            Assert.Equal(OutputDigest.Of(left), OutputDigest.Of(new DigestedConfigMap(left)));
        });
    }

    [Fact]
    public void A_configmap_value_moved_from_data_to_binary_data_changes_the_digest()
    {
        var asText = new V1ConfigMap { Data = new Dictionary<string, string> { ["ca.crt"] = "pem" } };
        var asBytes = new V1ConfigMap { BinaryData = new Dictionary<string, byte[]> { ["ca.crt"] = Encoding.UTF8.GetBytes("pem") } };

        Assert.NotEqual(OutputDigest.Of(asText), OutputDigest.Of(asBytes));
    }

    [Fact]
    public void A_digested_secret_keeps_metadata_and_type_and_lets_the_data_go()
    {
        var full = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "agent-mtls", NamespaceProperty = "apps", ResourceVersion = "7", Labels = new Dictionary<string, string> { ["a"] = "b" } },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1, 2, 3] },
        };

        var digested = new DigestedSecret(full);

        Assert.Same(full.Metadata, digested.Metadata);
        Assert.Equal("Opaque", digested.Type);
        Assert.Null(digested.Data);
        Assert.Equal(MtlsOperator.Engine.Serving.OutputContentHash.Of(full.Data), digested.ContentHash);
        Assert.Null(new DigestedSecret(new V1Secret { Metadata = full.Metadata }).ContentHash);
    }

    private static bool SameBytes(Dictionary<string, byte[]>? a, Dictionary<string, byte[]>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).All(kv => b!.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));

    private static bool SameStrings(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
