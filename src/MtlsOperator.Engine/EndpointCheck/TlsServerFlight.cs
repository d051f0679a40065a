using System.Buffers.Binary;
using System.Collections.Immutable;

namespace MtlsOperator.Engine.EndpointCheck;

/// <summary>Reads the certificates out of the plaintext start of a TLS 1.2 server's byte stream (RFC 5246 §6.2, §7.4.2). .NET hands
/// a client the server's chain only after a completed handshake; a TLS 1.2 server that requires a client certificate refuses the
/// handshake first, yet it has already sent its Certificate message in the clear. (TLS 1.3 encrypts it, and completes the
/// handshake before refusing, so the platform's callback sees the chain there.) Never throws: anything malformed reads as nothing.</summary>
public static class TlsServerFlight
{
    private const byte HandshakeRecord = 22;
    private const byte CertificateMessage = 11;
    private const int RecordHeaderLength = 5;
    private const int MaxRecordLength = (1 << 14) + 2048;

    /// <summary>The DER certificates of the first Certificate handshake message, in the order sent; empty when the bytes hold none
    /// (a TLS 1.3 server, too few bytes, or anything malformed).</summary>
    public static ImmutableArray<ReadOnlyMemory<byte>> Certificates(ReadOnlySpan<byte> serverBytes)
    {
        var handshake = HandshakeBytes(serverBytes);
        var rest = handshake.AsSpan();
        while (rest.Length >= 4)
        {
            var type = rest[0];
            var length = Uint24(rest[1..]);
            if (length > rest.Length - 4)
            {
                return [];
            }

            if (type == CertificateMessage)
            {
                return CertificateList(handshake.AsMemory(handshake.Length - rest.Length + 4, length));
            }

            rest = rest[(4 + length)..];
        }

        return [];
    }

    /// <summary>The concatenated fragments of the leading handshake records: a message may span records, and the first record of
    /// another type (change_cipher_spec, alert, application data) ends the plaintext flight.</summary>
    private static byte[] HandshakeBytes(ReadOnlySpan<byte> bytes)
    {
        using var collected = new MemoryStream();
        while (bytes.Length >= RecordHeaderLength && bytes[0] == HandshakeRecord && bytes[1] == 3)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
            if (length == 0 || length > MaxRecordLength || length > bytes.Length - RecordHeaderLength)
            {
                // A record cut short (the capture ended) still contributes what arrived of it.
                collected.Write(bytes[RecordHeaderLength..Math.Min(bytes.Length, RecordHeaderLength + length)]);
                break;
            }

            collected.Write(bytes.Slice(RecordHeaderLength, length));
            bytes = bytes[(RecordHeaderLength + length)..];
        }

        return collected.ToArray();
    }

    private static ImmutableArray<ReadOnlyMemory<byte>> CertificateList(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (span.Length < 3 || Uint24(span) != span.Length - 3)
        {
            return [];
        }

        var certificates = ImmutableArray.CreateBuilder<ReadOnlyMemory<byte>>();
        var offset = 3;
        while (offset < span.Length)
        {
            if (span.Length - offset < 3)
            {
                return [];
            }

            var length = Uint24(span[offset..]);
            offset += 3;
            if (length == 0 || length > span.Length - offset)
            {
                return [];
            }

            certificates.Add(body.Slice(offset, length));
            offset += length;
        }

        return certificates.ToImmutable();
    }

    private static int Uint24(ReadOnlySpan<byte> bytes) => (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];
}
