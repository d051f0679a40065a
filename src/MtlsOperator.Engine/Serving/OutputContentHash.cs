using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MtlsOperator.Engine.Serving;

/// <summary>The content hash of an output Secret: what the operator wrote and what a sidecar loaded compare equal through it.</summary>
/// <remarks>
/// "sha256:" + lowercase hex of SHA-256 over, for each key in ordinal order: the UTF-8 key, a 0x00 byte, the
/// value's length as 8 bytes big-endian, the value bytes. The length prefix makes the encoding unambiguous (no
/// two different key/value maps hash the same input), and the key cannot contain 0x00 (Secret keys are
/// [-._a-zA-Z0-9]+), so key and value boundaries cannot be shifted either.
/// </remarks>
public static class OutputContentHash
{
    /// <summary>The prefix every hash carries, naming the digest.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The hash of the given key/value pairs (a Secret's data, or the files read from its mount).</summary>
    public static string Of(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        foreach (var (key, value) in files.OrderBy(file => file.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            hash.AppendData([0]);
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)value.LongLength);
            hash.AppendData(length);
            hash.AppendData(value);
        }

        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Whether <paramref name="text"/> is spelled as <see cref="Of"/> produces it.</summary>
    public static bool IsWellFormed(string? text) =>
        text is { Length: 71 } && text.StartsWith(Prefix, StringComparison.Ordinal)
        && text.Skip(Prefix.Length).All(char.IsAsciiHexDigitLower);
}
