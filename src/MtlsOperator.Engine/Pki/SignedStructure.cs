using System.Formats.Asn1;

namespace MtlsOperator.Engine.Pki;

/// <summary>The common outer shape of a certificate and a CRL: the signed bytes, the signature algorithm and the signature.</summary>
/// <param name="ToBeSigned">DER of <c>tbsCertificate</c> / <c>tbsCertList</c>, exactly the bytes the signature covers.</param>
/// <param name="AlgorithmOid">The outer <c>signatureAlgorithm</c>.</param>
/// <param name="AlgorithmParameters">Its parameters' DER, or null when absent.</param>
/// <param name="Signature">The <c>signatureValue</c> bits.</param>
public sealed record SignedStructure(ReadOnlyMemory<byte> ToBeSigned, string AlgorithmOid, ReadOnlyMemory<byte>? AlgorithmParameters, byte[] Signature)
{
    /// <summary>Splits a DER certificate or CRL into its signed parts.</summary>
    /// <exception cref="AsnContentException">The bytes are not a signed X.509 structure.</exception>
    public static SignedStructure Read(ReadOnlyMemory<byte> der)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var outer = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var tbs = outer.ReadEncodedValue();
        var algorithm = outer.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        algorithm.ThrowIfNotEmpty();
        var signature = outer.ReadBitString(out _);
        outer.ThrowIfNotEmpty();
        return new SignedStructure(tbs, oid, parameters, signature);
    }
}
