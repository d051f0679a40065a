using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Issuance;

/// <summary>Encodes an RFC 4514 subject written in a spec as the DER Name a certificate carries, the inverse of <see cref="DistinguishedName.FromDer"/>.</summary>
public static class SubjectNameEncoding
{
    private const string CountryOid = "2.5.4.6";
    private const string DnQualifierOid = "2.5.4.46";
    private const string SerialNumberOid = "2.5.4.5";
    private const string EmailOid = "1.2.840.113549.1.9.1";
    private const string DomainComponentOid = "0.9.2342.19200300.100.1.25";

    /// <summary>The Name for <paramref name="text"/>, or null with <paramref name="error"/> saying what is wrong.</summary>
    public static X500DistinguishedName? TryEncode(string text, out string? error)
    {
        if (!DistinguishedName.TryParse(text, allowWildcards: false, out var name, out error))
        {
            return null;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            // Text lists the most specific RDN first; DER stores the most significant first.
            foreach (var rdn in name!.Rdns.Reverse())
            {
                using (writer.PushSetOf())
                {
                    foreach (var attribute in rdn)
                    {
                        if (DnAttributeTypes.OidOf(attribute.Type) is not { } oid)
                        {
                            error = $"has an attribute type {attribute.Type} that has no OID; use one of {DnAttributeTypes.KnownShortNames} or a dotted OID.";
                            return null;
                        }

                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(oid);
                            if (!WriteValue(writer, oid, attribute, out error))
                            {
                                return null;
                            }
                        }
                    }
                }
            }
        }

        return new X500DistinguishedName(writer.Encode());
    }

    private static bool WriteValue(AsnWriter writer, string oid, DnAttribute attribute, out string? error)
    {
        error = null;
        if (attribute.IsDerHex)
        {
            writer.WriteEncodedValue(Convert.FromHexString(attribute.Value));
            return true;
        }

        // RFC 5280 Appendix A: these attributes have fixed string types; the rest are DirectoryStrings, written as UTF8String (§4.1.2.6).
        var tag = oid switch
        {
            CountryOid or DnQualifierOid or SerialNumberOid => UniversalTagNumber.PrintableString,
            EmailOid or DomainComponentOid => UniversalTagNumber.IA5String,
            _ => UniversalTagNumber.UTF8String,
        };
        try
        {
            writer.WriteCharacterString(tag, attribute.Value);
            return true;
        }
        catch (ArgumentException)
        {
            error = $"has {attribute.Type}={attribute.Value}, which cannot be written as {tag} (the type RFC 5280 requires for it).";
            return false;
        }
    }
}
