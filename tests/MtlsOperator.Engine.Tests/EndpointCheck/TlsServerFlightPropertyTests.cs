using CsCheck;
using MtlsOperator.Engine.EndpointCheck;

namespace MtlsOperator.Engine.Tests.EndpointCheck;

/// <summary>The TLS 1.2 flight reader against flights built here from RFC 5246's layout (handshake messages around a Certificate
/// message, split into records at random places), and against random and mutated bytes, which must never throw. On failure CsCheck
/// prints the seed; replay with the environment variable <c>CsCheck_Seed</c>.</summary>
public sealed class TlsServerFlightPropertyTests
{
    private static readonly Gen<byte[]> s_blob = Gen.Byte.Array[1, 3000];

    private sealed record Flight(byte[][] Certificates, byte[] Bytes);

    private static readonly Gen<Flight> s_flights =
        from certificates in s_blob.Array[1, 4]
        from hello in Gen.Byte.Array[38, 120]
        from after in Gen.Byte.Array[0, 300]
        from recordSizes in Gen.Int[1, 16384].Array[64]
        from trailer in Gen.Byte.Array[0, 40]
        select new Flight(certificates, Records(
            [.. Message(2, hello), .. Message(11, CertificateList(certificates)), .. Message(12, after), .. Message(14, [])],
            recordSizes, trailer));

    [Fact]
    public void The_certificates_of_a_flight_are_read_back_in_order_wherever_the_records_split_it() =>
        s_flights.Sample(flight =>
        {
            var read = TlsServerFlight.Certificates(flight.Bytes);
            Assert.Equal(flight.Certificates.Length, read.Length);
            for (var i = 0; i < read.Length; i++)
            {
                Assert.Equal(flight.Certificates[i], read[i].ToArray());
            }
        });

    [Fact]
    public void A_flight_cut_anywhere_reads_as_the_whole_chain_or_nothing_never_a_part() =>
        s_flights.Select(Gen.Double.Unit, (flight, cut) => (flight, cut)).Sample(t =>
        {
            var read = TlsServerFlight.Certificates(t.flight.Bytes.AsSpan(0, (int)(t.cut * t.flight.Bytes.Length)));
            Assert.True(read.IsEmpty || read.Select(c => c.ToArray()).SequenceEqual(t.flight.Certificates, new BytesEqual()), $"a partial read of {read.Length} certificates");
        });

    [Fact]
    public void Random_bytes_never_throw() =>
        Gen.Byte.Array[0, 5000].Sample(bytes => _ = TlsServerFlight.Certificates(bytes));

    [Fact]
    public void Mutated_flights_never_throw() =>
        s_flights.Select(Gen.Int[0, 100_000].Array[1, 8], Gen.Byte, (flight, positions, value) => (flight, positions, value)).Sample(t =>
        {
            var bytes = t.flight.Bytes.ToArray();
            foreach (var p in t.positions)
            {
                bytes[p % bytes.Length] = t.value;
            }

            _ = TlsServerFlight.Certificates(bytes);
        });

    [Fact]
    public void Encrypted_records_after_the_server_hello_hold_no_certificates()
    {
        byte[] tls13 = [.. Records(Message(2, new byte[60]), [16384], []), 0x17, 0x03, 0x03, 0x00, 0x10, .. new byte[16]];

        Assert.Empty(TlsServerFlight.Certificates(tls13));
    }

    private sealed class BytesEqual : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }

    private static byte[] Message(byte type, byte[] body) => [type, .. Uint24(body.Length), .. body];

    private static byte[] CertificateList(byte[][] certificates)
    {
        byte[] list = [.. certificates.SelectMany(c => (byte[])[.. Uint24(c.Length), .. c])];
        return [.. Uint24(list.Length), .. list];
    }

    /// <summary>Handshake bytes as TLS 1.2 records of the given sizes (cycled), then unrelated trailing bytes (an alert, say).</summary>
    private static byte[] Records(byte[] handshake, int[] sizes, byte[] trailer)
    {
        var records = new List<byte>();
        var offset = 0;
        for (var i = 0; offset < handshake.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], handshake.Length - offset);
            records.AddRange([22, 3, 3, (byte)(size >> 8), (byte)size]);
            records.AddRange(handshake.AsSpan(offset, size).ToArray());
            offset += size;
        }

        return [.. records, 21, 3, 3, 0, 2, 2, 40, .. trailer];
    }

    private static byte[] Uint24(int value) => [(byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
