using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using MtlsOperator.Engine.Serving;

namespace MtlsOperator.Controller.Caching;

/// <summary>What an output holds, as one string: two outputs with the same digest hold the same data. The writer and the echo
/// check compare outputs through it, so an output the cache keeps only as a digest (<see cref="DigestedSecret"/>,
/// <see cref="DigestedConfigMap"/>) compares exactly as the full object would.</summary>
internal static class OutputDigest
{
    private static readonly Dictionary<string, byte[]> s_noData = [];

    /// <summary>A Secret's data: its <see cref="OutputContentHash"/> (no data hashes as empty data).</summary>
    public static string Of(V1Secret secret) =>
        secret is DigestedSecret digested ? digested.Digest : OutputContentHash.Of(secret.Data ?? s_noData);

    /// <summary>A ConfigMap's data and binaryData.</summary>
    public static string Of(V1ConfigMap configMap) =>
        configMap is DigestedConfigMap digested ? digested.Digest : Compute(configMap.Data, configMap.BinaryData);

    // SHA-256 over each part, key and value with lengths in front: no two different pairs of maps hash the same input.
    private static string Compute(IDictionary<string, string>? data, IDictionary<string, byte[]>? binaryData)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (key, value) in (data ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Add(hash, 1, key, Encoding.UTF8.GetBytes(value));
        }

        foreach (var (key, value) in (binaryData ?? s_noData).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Add(hash, 2, key, value);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Add(IncrementalHash hash, byte part, string key, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[8];
        var name = Encoding.UTF8.GetBytes(key);
        hash.AppendData([part]);
        BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)name.Length);
        hash.AppendData(length);
        hash.AppendData(name);
        BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }
}
