using System.Formats.Asn1;

namespace MtlsOperator.Engine.Pki;

/// <summary>The named curve, private scalar and (when written) public point of an EC private key in its plainest form: strict DER
/// SEC1 (<c>EC PRIVATE KEY</c>) or PKCS#8 (<c>PRIVATE KEY</c>) holding it, on P-256, P-384 or P-521, scalar and point at the curve's
/// full length. Anything else (BER, explicit curve parameters, attributes, a compressed point, other curves, odd lengths) is left to
/// the platform's own import, which decides it as it always did.</summary>
/// <remarks>Reading the scalar lets the key's public half be derived from it alone (<see cref="PrivateKeyMatcher"/>), ~30 µs less
/// than the platform's import, which also checks a written point against the scalar; the caller must then check the written point
/// against the derived one itself.</remarks>
/// <param name="CurveOid">The named curve.</param>
/// <param name="D">The private scalar, big-endian, at the curve's length.</param>
/// <param name="Point">The public point as written (uncompressed: 0x04, X, Y), or null when the key carries none.</param>
internal sealed record EcPrivateKeyFields(string CurveOid, byte[] D, byte[]? Point)
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    private static readonly Dictionary<string, int> s_scalarBytes = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.3.1.7"] = 32, // P-256
        ["1.3.132.0.34"] = 48, // P-384
        ["1.3.132.0.35"] = 66, // P-521
    };

    private static readonly Asn1Tag s_parameters = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_publicKey = new(TagClass.ContextSpecific, 1, isConstructed: true);

    /// <summary>The fields of <paramref name="key"/>, or null when it is not in the plain form described above.</summary>
    public static EcPrivateKeyFields? TryRead(PemBlock key)
    {
        try
        {
            return key.Label switch
            {
                PrivateKeyPem.Sec1Label => Sec1(key.Der, null),
                PrivateKeyPem.Pkcs8Label => Pkcs8(key.Der),
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    // SEQUENCE { version INTEGER, ... } filling all of der: the sequence read past its version, or null for another version.
    private static AsnReader? VersionedSequence(ReadOnlyMemory<byte> der, int expected)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        return sequence.TryReadInt32(out var version) && version == expected ? sequence : null;
    }

    // PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier { id-ecPublicKey, namedCurve }, privateKey OCTET STRING (ECPrivateKey) }
    private static EcPrivateKeyFields? Pkcs8(ReadOnlyMemory<byte> der)
    {
        if (VersionedSequence(der, 0) is not { } info)
        {
            return null;
        }

        var algorithm = info.ReadSequence();
        if (algorithm.ReadObjectIdentifier() != EcPublicKeyOid || !algorithm.HasData || algorithm.PeekTag() != Asn1Tag.ObjectIdentifier)
        {
            return null;
        }

        var curve = algorithm.ReadObjectIdentifier();
        algorithm.ThrowIfNotEmpty();
        var inner = info.ReadOctetString();
        return info.HasData ? null : Sec1(inner, curve);
    }

    // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, parameters [0] namedCurve OPTIONAL, publicKey [1] BIT STRING OPTIONAL }
    private static EcPrivateKeyFields? Sec1(ReadOnlyMemory<byte> der, string? algorithmCurve)
    {
        if (VersionedSequence(der, 1) is not { } key)
        {
            return null;
        }

        var d = key.ReadOctetString();
        var curve = algorithmCurve;
        if (key.HasData && key.PeekTag() == s_parameters)
        {
            var parameters = key.ReadSequence(s_parameters);
            if (parameters.PeekTag() != Asn1Tag.ObjectIdentifier)
            {
                return null;
            }

            var named = parameters.ReadObjectIdentifier();
            parameters.ThrowIfNotEmpty();
            if (curve is not null && curve != named)
            {
                return null;
            }

            curve = named;
        }

        byte[]? point = null;
        if (key.HasData && key.PeekTag() == s_publicKey)
        {
            var wrapper = key.ReadSequence(s_publicKey);
            point = wrapper.ReadBitString(out var unusedBits);
            wrapper.ThrowIfNotEmpty();
            if (unusedBits != 0)
            {
                return null;
            }
        }

        if (key.HasData || curve is null || !s_scalarBytes.TryGetValue(curve, out var size) || d.Length != size)
        {
            return null;
        }

        return point is null || (point.Length == 1 + (2 * size) && point[0] == 0x04) ? new EcPrivateKeyFields(curve, d, point) : null;
    }
}
