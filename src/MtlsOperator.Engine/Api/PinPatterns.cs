namespace MtlsOperator.Engine.Api;

/// <summary>CRD <c>pattern</c>s for the pin fields, mirroring what <see cref="Policy.PinParser"/> accepts (colons, dashes, spaces or
/// nothing between hex digits, either case, an optional label such as <c>SHA256 Fingerprint=</c> or <c>sha256/</c>, quotes, and the
/// invisible marks Windows' certificate dialog adds), so a malformed pin fails at <c>kubectl apply</c>. RE2 syntax, which the API
/// server runs; .NET runs the same text in the tests. Two known supersets, which the engine then reports as InvalidPin: quotes are
/// accepted unpaired (RE2 cannot pair them without repeating the whole pattern), and an SPKI value of 43 characters made only of hex
/// digits and dashes passes while the parser reads it as a hex thumbprint of the wrong length.</summary>
public static class PinPatterns
{
    /// <summary>A SHA-1 certificate thumbprint (40 hex digits).</summary>
    public const string Sha1 = Start + @"(?:(?i:sha-?1(?:[ \t\r\n]+fingerprint)?|thumbprint)" + LabelEnd + ")?" + Hex40 + End;

    /// <summary>A SHA-256 certificate thumbprint (64 hex digits).</summary>
    public const string Sha256 = Start + @"(?:(?i:sha-?256(?:[ \t\r\n]+fingerprint)?|thumbprint)" + LabelEnd + ")?" + Hex64 + End;

    /// <summary>An SPKI SHA-256 pin: 43 base64 characters (standard or URL alphabet) with an optional <c>=</c>, or 64 hex digits.</summary>
    public const string SpkiSha256 = Start + @"(?:(?i:sha-?256(?:[ \t\r\n]+fingerprint)?|pin-sha256|spki-sha256|spki|thumbprint)" + LabelEnd + ")?"
        + "(?:" + Hex64 + "|" + Base64 + ")" + End;

    // Whitespace the parser trims, plus format characters (U+200E and the like) it drops.
    private const string Space = @"[ \t\r\n\p{Cf}]";

    // What may stand between hex digits.
    private const string Separator = @"[-: \t\r\n\p{Cf}]";

    private const string Start = "^" + Space + "*[\"']?" + Space + "*";
    private const string End = Space + "*[\"']?" + Space + "*$";
    private const string LabelEnd = Space + "*[:=/]" + Space + "*[\"']?";
    private const string Hex40 = Separator + "*(?:[0-9A-Fa-f]" + Separator + "*){40}";
    private const string Hex64 = Separator + "*(?:[0-9A-Fa-f]" + Separator + "*){64}";
    private const string Base64 = "(?:[A-Za-z0-9+/_-]" + Space + "*){43}=?";
}
