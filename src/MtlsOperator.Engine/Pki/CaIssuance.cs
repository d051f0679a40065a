using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MtlsOperator.Engine.Pki;

/// <summary>Whether a CA certificate can stand above a subordinate CA of a given name in a chain OpenSSL accepts. Used to tell
/// when an issuer rule could be satisfied by another CA than the one it names. Every doubt answers "it can" (fail closed).</summary>
public static class CaIssuance
{
    private const string NameConstraintsOid = "2.5.29.30";
    private static readonly Asn1Tag s_permitted = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag s_excluded = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag s_directoryName = new(TagClass.ContextSpecific, 4, isConstructed: true);

    /// <summary>False only when OpenSSL would reject every chain in which a CA named <paramref name="name"/> sits below
    /// <paramref name="ca"/>: a <c>pathLenConstraint</c> of 0 (no CA below it), or a name constraint whose directoryName
    /// subtrees exclude <paramref name="name"/> or permit only other subtrees.</summary>
    public static bool CanIssueCaNamed(X509Certificate2 ca, CanonicalName name)
    {
        if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is { HasPathLengthConstraint: true, PathLengthConstraint: 0 })
        {
            return false;
        }

        return ca.Extensions[NameConstraintsOid] is not { } constraints || Permits(constraints.RawData, name);
    }

    /// <summary>OpenSSL's directoryName check (<c>nc_dn</c>: a canonical-encoding prefix). A malformed extension, or a subtree
    /// with minimum/maximum (which OpenSSL does not support), is taken as permitting the name.</summary>
    private static bool Permits(byte[] extension, CanonicalName name)
    {
        try
        {
            var reader = new AsnReader(extension, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            List<CanonicalName>? permitted = null;
            var excluded = new List<CanonicalName>();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(s_permitted))
                {
                    permitted = DirectoryNames(sequence.ReadSequence(s_permitted));
                }
                else if (tag.HasSameClassAndValue(s_excluded))
                {
                    excluded = DirectoryNames(sequence.ReadSequence(s_excluded)) ?? [];
                }
                else
                {
                    return true;
                }
            }

            if (excluded.Any(name.IsWithin))
            {
                return false;
            }

            return permitted is null || permitted.Count == 0 || permitted.Any(name.IsWithin);
        }
        catch (AsnContentException)
        {
            return true;
        }
    }

    /// <summary>The directoryName bases of a GeneralSubtrees; null when a directoryName subtree carries minimum or maximum.</summary>
    private static List<CanonicalName>? DirectoryNames(AsnReader subtrees)
    {
        var names = new List<CanonicalName>();
        var unsupported = false;
        while (subtrees.HasData)
        {
            var subtree = subtrees.ReadSequence();
            var isDirectory = subtree.PeekTag().HasSameClassAndValue(s_directoryName);
            if (isDirectory)
            {
                var wrapped = subtree.ReadSequence(s_directoryName);
                names.Add(CanonicalName.FromDer(wrapped.ReadEncodedValue()));
                wrapped.ThrowIfNotEmpty();
            }
            else
            {
                subtree.ReadEncodedValue();
            }

            unsupported |= isDirectory && subtree.HasData;
        }

        return unsupported ? null : names;
    }
}
