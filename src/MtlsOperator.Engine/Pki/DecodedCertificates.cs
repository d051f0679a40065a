using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Certificates already decoded, remembered by their exact DER bytes, so bytes that recur (the CA that sits in every TLS
/// Secret of a cluster, a trust bundle's CAs, a pinned client certificate) are decoded once per process instead of once per
/// evaluation (on OpenSSL 3 a decode costs ~100 µs). Bounded: at most <see cref="Capacity"/> certificates, least recently used
/// forgotten first; and bytes are remembered only from their second reading on, so a cold start over thousands of distinct
/// leaves, each read once, does not fill memory with them. Only fully decoded, accepted certificates are ever added: bytes
/// that failed are decoded (and fail) again each time. The instances are shared between callers and threads: nobody may
/// dispose them or attach a key to them.</summary>
internal sealed class DecodedCertificates
{
    /// <summary>The process-wide instance <see cref="CertificateDecoding.TryLoad"/> uses.</summary>
    public static DecodedCertificates Shared { get; } = new(capacity: 1024, sightings: 16_384);

    // One lock for everything: a lookup is a hash of ~1 KiB and a list move, tiny next to the evaluation around it.
    private readonly Lock _lock = new();
    private readonly Dictionary<ReadOnlyMemory<byte>, LinkedListNode<Entry>> _entries = new(DerComparer.Instance);
    private readonly Dictionary<ReadOnlyMemory<byte>, LinkedListNode<Entry>>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private readonly LinkedList<Entry> _recency = new();
    private readonly HashSet<int> _seen = [];
    private readonly int _sightings;

    /// <summary>A cache of at most <paramref name="capacity"/> certificates that remembers the hashes of up to
    /// <paramref name="sightings"/> byte strings read once (then forgets them all at once).</summary>
    public DecodedCertificates(int capacity, int sightings)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sightings);
        Capacity = capacity;
        _sightings = sightings;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The most certificates held at once.</summary>
    public int Capacity { get; }

    /// <summary>How many certificates are held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The certificate decoded earlier from exactly <paramref name="der"/>, or null.</summary>
    public X509Certificate2? Find(ReadOnlySpan<byte> der)
    {
        lock (_lock)
        {
            if (!_bySpan.TryGetValue(der, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Certificate;
        }
    }

    /// <summary>Offers <paramref name="certificate"/>, fully decoded from exactly <paramref name="der"/>: kept when these bytes were
    /// offered before. Returns the instance to use: one already held for the same bytes (another thread was faster), else
    /// <paramref name="certificate"/>.</summary>
    public X509Certificate2 Offer(ReadOnlySpan<byte> der, X509Certificate2 certificate)
    {
        var sighting = Sighting(der);
        lock (_lock)
        {
            if (_bySpan.TryGetValue(der, out var held))
            {
                return held.Value.Certificate;
            }

            if (_seen.Add(sighting))
            {
                if (_seen.Count > _sightings)
                {
                    _seen.Clear();
                    _seen.Add(sighting);
                }

                return certificate;
            }

            _seen.Remove(sighting);
            // The key is the certificate's own copy of its bytes when it kept them exactly (it does for DER), else a copy.
            var raw = certificate.RawDataMemory;
            var key = raw.Span.SequenceEqual(der) ? raw : der.ToArray();
            _entries.Add(key, _recency.AddFirst(new Entry(key, certificate)));
            if (_entries.Count > Capacity)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Der);
            }

            return certificate;
        }
    }

    // A hash, not the bytes: a sighting is only a hint (a collision merely keeps a certificate one reading early), and keeping
    // 16 Ki hashes costs little memory. HashCode is seeded per process, so nobody can aim collisions at it.
    private static int Sighting(ReadOnlySpan<byte> der)
    {
        var hash = new HashCode();
        hash.AddBytes(der);
        return hash.ToHashCode();
    }

    private sealed record Entry(ReadOnlyMemory<byte> Der, X509Certificate2 Certificate);

    /// <summary>Byte-string equality, usable with spans for lookups that allocate nothing.</summary>
    private sealed class DerComparer : IEqualityComparer<ReadOnlyMemory<byte>>, IAlternateEqualityComparer<ReadOnlySpan<byte>, ReadOnlyMemory<byte>>
    {
        public static DerComparer Instance { get; } = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> obj) => GetHashCode(obj.Span);

        public bool Equals(ReadOnlySpan<byte> alternate, ReadOnlyMemory<byte> other) => alternate.SequenceEqual(other.Span);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public ReadOnlyMemory<byte> Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
