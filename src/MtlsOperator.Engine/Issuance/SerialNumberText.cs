namespace MtlsOperator.Engine.Issuance;

/// <summary>Reads a certificate serial number as people copy it (<c>openssl x509 -noout -serial</c>: <c>serial=4F2A...</c>; <c>openssl x509
/// -text</c>: <c>4f:2a:...</c>, or <c>4096 (0x1000)</c> for small ones; kubectl status: <c>4F2A...</c>) into the one form CRLs and <c>X509Certificate2.SerialNumber</c> compare by:
/// uppercase hex of the minimal DER INTEGER content of a positive number (a leading <c>00</c> only where the first octet is 0x80 or more).</summary>
public static partial class SerialNumberText
{
    /// <summary>Longest serial accepted: 20 octets (RFC 5280 §4.1.2.2), plus the sign octet DER adds.</summary>
    public const int MaxOctets = 21;

    /// <summary>The canonical form of <paramref name="text"/>, or null with <paramref name="problem"/> saying what is wrong.</summary>
    public static string? Normalize(string? text, out string? problem)
    {
        var s = (text ?? "").Trim();

        // `openssl x509 -text` prints a serial that fits in a long as decimal with the hex after it: "4096 (0x1000)".
        if (DecimalWithHex().Match(s) is { Success: true } both)
        {
            s = both.Groups[1].Value;
        }

        if (s.StartsWith("serial=", StringComparison.OrdinalIgnoreCase))
        {
            s = s["serial=".Length..];
        }

        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            s = s[2..];
        }

        var digits = new System.Text.StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (Uri.IsHexDigit(c))
            {
                digits.Append(char.ToUpperInvariant(c));
            }
            else if (c is not (':' or ' '))
            {
                problem = $"\"{Shorten(text)}\" is not a serial number: give it in hex as `openssl x509 -noout -serial` prints it (colons and spaces allowed), not '{c}'";
                return null;
            }
        }

        var hex = digits.ToString().TrimStart('0');
        if (digits.Length == 0)
        {
            problem = $"\"{Shorten(text)}\" has no hex digits; give the serial number as `openssl x509 -noout -serial` prints it";
            return null;
        }

        if (hex.Length % 2 == 1)
        {
            hex = "0" + hex;
        }

        if (hex.Length > (MaxOctets - 1) * 2)
        {
            problem = $"\"{Shorten(text)}\" is longer than a certificate serial number can be (20 octets)";
            return null;
        }

        // A positive INTEGER whose first octet has the high bit set is encoded with a leading zero octet; zero itself is one octet.
        if (hex.Length == 0 || hex[0] >= '8')
        {
            hex = "00" + hex;
        }

        problem = null;
        return hex;
    }

    /// <summary>The canonical form of a serial read from a certificate or CRL (already hex), for comparisons.</summary>
    public static string Canonical(string hex) => Normalize(hex, out _) ?? hex;

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "...";

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]+\s*\(0x([0-9A-Fa-f]+)\)$")]
    private static partial System.Text.RegularExpressions.Regex DecimalWithHex();
}
