using System.Collections.Frozen;

namespace MtlsOperator.Engine.Rendering.DistinguishedNames;

/// <summary>The short names OpenSSL prints for DN attributes in RFC 2253 form (what HAProxy and nginx show), keyed by
/// every spelling a policy may use: OpenSSL, RFC 4514, .NET (<c>E</c>, <c>S</c>, <c>G</c>, <c>T</c>) and dotted OIDs.</summary>
internal static class OpensslAttributeNames
{
    private static readonly FrozenDictionary<string, string> s_byAlias = Build();

    /// <summary>OpenSSL's short name for <paramref name="attributeType"/>, or null when it is not a known DN attribute.</summary>
    public static string? Find(string attributeType)
    {
        var key = attributeType.Trim();
        if (key.StartsWith("OID.", StringComparison.OrdinalIgnoreCase))
        {
            key = key[4..];
        }

        return s_byAlias.TryGetValue(key, out var name) ? name : null;
    }

    private static FrozenDictionary<string, string> Build()
    {
        // (OpenSSL short name, OID, other spellings). Measured with `openssl x509 -nameopt RFC2253` and both proxies.
        (string Name, string Oid, string[] Aliases)[] table =
        [
            ("CN", "2.5.4.3", ["commonName"]),
            ("SN", "2.5.4.4", ["surname"]),
            ("serialNumber", "2.5.4.5", []),
            ("C", "2.5.4.6", ["countryName"]),
            ("L", "2.5.4.7", ["localityName"]),
            ("ST", "2.5.4.8", ["S", "stateOrProvinceName"]),
            ("street", "2.5.4.9", ["streetAddress"]),
            ("O", "2.5.4.10", ["organizationName"]),
            ("OU", "2.5.4.11", ["organizationalUnitName"]),
            ("title", "2.5.4.12", ["T"]),
            ("description", "2.5.4.13", []),
            ("businessCategory", "2.5.4.15", []),
            ("postalCode", "2.5.4.17", []),
            ("name", "2.5.4.41", []),
            ("GN", "2.5.4.42", ["G", "givenName"]),
            ("initials", "2.5.4.43", ["I"]),
            ("generationQualifier", "2.5.4.44", []),
            ("dnQualifier", "2.5.4.46", []),
            ("pseudonym", "2.5.4.65", []),
            ("organizationIdentifier", "2.5.4.97", []),
            ("UID", "0.9.2342.19200300.100.1.1", ["userId"]),
            ("DC", "0.9.2342.19200300.100.1.25", ["domainComponent"]),
            ("emailAddress", "1.2.840.113549.1.9.1", ["E", "email"]),
        ];

        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, oid, aliases) in table)
        {
            map[name] = name;
            map[oid] = name;
            foreach (var alias in aliases)
            {
                map[alias] = name;
            }
        }

        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
