using System.Collections.Frozen;

namespace MtlsOperator.Engine.Pki;

/// <summary>Attribute types of X.500 names under the short names OpenSSL prints, with the long names people also write.</summary>
internal static class DnAttributeTypes
{
    private static readonly (string Oid, string ShortName, string[] Aliases)[] s_types =
    [
        ("2.5.4.3", "CN", ["commonName"]),
        ("2.5.4.6", "C", ["countryName"]),
        ("2.5.4.7", "L", ["localityName"]),
        ("2.5.4.8", "ST", ["stateOrProvinceName", "S"]),
        ("2.5.4.9", "street", ["streetAddress"]),
        ("2.5.4.10", "O", ["organizationName"]),
        ("2.5.4.11", "OU", ["organizationalUnitName"]),
        ("2.5.4.12", "title", []),
        ("2.5.4.13", "description", []),
        ("2.5.4.4", "SN", ["surname"]),
        ("2.5.4.42", "GN", ["givenName"]),
        ("2.5.4.43", "initials", []),
        ("2.5.4.44", "generationQualifier", []),
        ("2.5.4.5", "serialNumber", []),
        ("2.5.4.46", "dnQualifier", []),
        ("2.5.4.65", "pseudonym", []),
        ("2.5.4.17", "postalCode", []),
        ("2.5.4.15", "businessCategory", []),
        ("2.5.4.41", "name", []),
        ("2.5.4.97", "organizationIdentifier", []),
        ("0.9.2342.19200300.100.1.25", "DC", ["domainComponent"]),
        ("0.9.2342.19200300.100.1.1", "UID", ["userId"]),
        ("1.2.840.113549.1.9.1", "emailAddress", ["E", "email"]),
    ];

    private static readonly FrozenDictionary<string, string> s_byOid = s_types.ToFrozenDictionary(t => t.Oid, t => t.ShortName);

    private static readonly FrozenDictionary<string, string> s_byName = s_types
        .SelectMany(t => t.Aliases.Append(t.ShortName).Append(t.Oid).Select(a => (Alias: a, t.ShortName)))
        .ToFrozenDictionary(x => x.Alias, x => x.ShortName, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> s_oidByShortName = s_types.ToFrozenDictionary(t => t.ShortName, t => t.Oid, StringComparer.Ordinal);

    /// <summary>The OID of a canonical type (<see cref="Canonical"/>'s result): a known short name's, or the dotted OID itself.</summary>
    public static string? OidOf(string type) =>
        s_oidByShortName.TryGetValue(type, out var oid) ? oid : IsDottedOid(type) ? type : null;

    /// <summary>Short names accepted in rules, for messages.</summary>
    public static string KnownShortNames => string.Join(", ", s_types.Select(t => t.ShortName));

    /// <summary>The short name of a known OID, otherwise the OID itself.</summary>
    public static string ShortNameOf(string oid) => s_byOid.TryGetValue(oid, out var name) ? name : oid;

    /// <summary>Canonical type for a name or dotted OID written by a person, or null when unknown.</summary>
    public static string? Canonical(string written)
    {
        var trimmed = written.StartsWith("oid.", StringComparison.OrdinalIgnoreCase) ? written[4..] : written;
        if (s_byName.TryGetValue(trimmed, out var name))
        {
            return name;
        }

        return IsDottedOid(trimmed) ? trimmed : null;
    }

    private static bool IsDottedOid(string text) =>
        text.Length > 2 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[^1])
        && text.All(c => char.IsAsciiDigit(c) || c == '.') && !text.Contains("..", StringComparison.Ordinal);
}
