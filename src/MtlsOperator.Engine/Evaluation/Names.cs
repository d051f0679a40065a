using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using MtlsOperator.Engine.Pki;

namespace MtlsOperator.Engine.Evaluation;

/// <summary>Distinguished names as the status shows them: RFC 4514, as openssl prints them with <c>-nameopt RFC2253</c>.</summary>
internal static class Names
{
    public static string Of(X500DistinguishedName name)
    {
        try
        {
            return DistinguishedName.Format(name);
        }
        catch (AsnContentException)
        {
            return name.Name;
        }
    }
}
