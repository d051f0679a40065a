using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Reads the CRL Distribution Points extension (2.5.29.31, RFC 5280 4.2.1.13) of a certificate, which .NET can build but not read.</summary>
public static class CrlDistributionPoints
{
    public const string Oid = "2.5.29.31";

    /// <summary>The URIs of each distribution point's full name, one list per point (the URIs of one point are alternatives for the same CRL);
    /// empty when the certificate has no such extension. Points named relative to the CRL issuer, and other name forms, yield no URI.</summary>
    /// <exception cref="AsnContentException">The extension is not well-formed DER.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> Of(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == Oid);
        return extension is null ? [] : Read(extension.RawData);
    }

    /// <summary>Reads the extension's value (a CRLDistributionPoints SEQUENCE).</summary>
    /// <exception cref="AsnContentException">Not well-formed DER, or trailing data.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> Read(ReadOnlyMemory<byte> value)
    {
        var reader = new AsnReader(value, AsnEncodingRules.DER);
        var points = reader.ReadSequence();
        reader.ThrowIfNotEmpty();
        var result = new List<IReadOnlyList<string>>();
        while (points.HasData)
        {
            var point = points.ReadSequence();
            var uris = new List<string>();
            if (point.HasData && point.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                // distributionPoint [0] DistributionPointName: CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RDN }.
                var name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                var choice = name.PeekTag();
                if (choice.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    uris.AddRange(UrisOf(name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))));
                }
                else
                {
                    name.ReadEncodedValue();
                }

                name.ThrowIfNotEmpty();
            }

            // reasons [1] and cRLIssuer [2] name nothing to fetch; read them so the point is checked to its end.
            while (point.HasData)
            {
                point.ReadEncodedValue();
            }

            result.Add(uris);
        }

        return result;
    }

    private static IEnumerable<string> UrisOf(AsnReader generalNames)
    {
        var uris = new List<string>();
        while (generalNames.HasData)
        {
            var tag = generalNames.PeekTag();
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
            {
                // uniformResourceIdentifier [6] IA5String (implicit).
                uris.Add(generalNames.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
            }
            else
            {
                generalNames.ReadEncodedValue();
            }
        }

        return uris;
    }
}
