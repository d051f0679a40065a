using System.Formats.Asn1;
using System.Security.Cryptography;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Turns a CRL made by .NET's builder into a delta CRL: adds the critical Delta CRL Indicator (2.5.29.27) naming the
/// base CRL number and signs it again. .NET's builder cannot add CRL extensions itself.</summary>
public static class DeltaCrl
{
    public static byte[] WithIndicator(byte[] crl, int baseNumber, AsymmetricAlgorithm key)
    {
        var signed = SignedStructure.Read(crl);
        var tbs = new AsnReader(signed.ToBeSigned, AsnEncodingRules.DER).ReadSequence();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        using (writer.PushSequence())
        {
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }

                var list = tbs.ReadSequence(extensionsTag).ReadSequence();
                using (writer.PushSequence(extensionsTag))
                using (writer.PushSequence())
                {
                    while (list.HasData)
                    {
                        writer.WriteEncodedValue(list.ReadEncodedValue().Span);
                    }

                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier("2.5.29.27");
                        writer.WriteBoolean(true);
                        var value = new AsnWriter(AsnEncodingRules.DER);
                        value.WriteInteger(baseNumber);
                        writer.WriteOctetString(value.Encode());
                    }
                }
            }
        }

        var newTbs = writer.Encode();
        var signature = key switch
        {
            ECDsa ec => ec.SignData(newTbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
            RSA rsa => rsa.SignData(newTbs, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new InvalidOperationException("unreachable"),
        };
        var outer = new AsnWriter(AsnEncodingRules.DER);
        using (outer.PushSequence())
        {
            outer.WriteEncodedValue(newTbs);
            using (outer.PushSequence())
            {
                outer.WriteObjectIdentifier(signed.AlgorithmOid);
                if (signed.AlgorithmParameters is { } parameters)
                {
                    outer.WriteEncodedValue(parameters.Span);
                }
            }

            outer.WriteBitString(signature);
        }

        return outer.Encode();
    }
}
