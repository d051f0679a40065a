using System.Collections.Immutable;

namespace MtlsOperator.ProxyTests.Differential;

/// <summary>Key kinds a generated certificate can have; the weak ones are below OpenSSL security level 2.</summary>
public enum KeyKind
{
    EcP256,
    EcP384,
    Rsa2048,
    WeakRsa1024,
}

/// <summary>Signature hashes a generated certificate can be signed with; SHA-1 is below security level 2.</summary>
public enum SignatureHash
{
    Sha256,
    Sha384,
    WeakSha1,
}

/// <summary>Where "now" falls in a certificate's or CRL's validity.</summary>
public enum Validity
{
    Current,
    Expired,
    NotYetValid,
}

/// <summary>Extended key usage a generated certificate carries.</summary>
public enum KeyPurpose
{
    /// <summary>No EKU extension (any purpose).</summary>
    None,
    ClientAuth,
    ServerAuthOnly,
    AnyExtendedKeyUsageOnly,
}

/// <summary>One CA of a generated PKI. <see cref="Parent"/> indexes an earlier CA, or is -1 for a self-signed root.</summary>
public sealed record CaPlan(
    int Parent,
    string Subject,
    KeyKind Key,
    SignatureHash Hash,
    Validity Validity,
    int? PathLength,
    KeyPurpose Purpose,
    bool WithoutKeyCertSign,
    bool WithoutCrlSign,
    bool InBundle,
    bool Revoked);

/// <summary>A client certificate. <see cref="RenewalOf"/> indexes an earlier client whose key it reuses (a renewal), or -1.</summary>
/// <param name="SubjectRdns">Most significant first, as DER holds them: (attribute, value).</param>
public sealed record ClientPlan(
    int Issuer,
    ImmutableArray<(string Attribute, string Value)> SubjectRdns,
    KeyKind Key,
    SignatureHash Hash,
    Validity Validity,
    KeyPurpose Purpose,
    bool WithoutDigitalSignature,
    bool Revoked,
    bool SendsIntermediates,
    int RenewalOf);

/// <summary>The CRLs one CA publishes in the bundle.</summary>
/// <param name="SameSecondTwin">A second CRL from the CA with the same thisUpdate and a higher CRL number, listing one more revocation.</param>
/// <param name="Delta">A delta CRL beside the base, revoking one more client.</param>
public sealed record CrlPlan(int Ca, Validity Validity, bool SameSecondTwin, bool Delta);

/// <summary>How a pin is written in the policy.</summary>
public enum PinSpelling
{
    Certificate,
    Sha1UpperColons,
    Sha1Lower,
    Sha256UpperColons,
    Sha256Lower,
    SpkiHpkp,
    SpkiBase64,
}

/// <summary>A pin of a client certificate, or with <see cref="Client"/> -1 of a certificate no client presents.</summary>
public sealed record PinPlan(int Client, PinSpelling Spelling);

/// <summary>How a rule's subject is derived from its target client's subject.</summary>
public enum SubjectPattern
{
    Absent,
    Exact,
    CommonNameWildcard,
    CommonNamePrefixWildcard,
    Stranger,
}

/// <summary>A rule aimed at a client (its issuer's name and a pattern of its subject), written in one of several spellings.</summary>
public sealed record RulePlan(int Client, bool WithIssuer, SubjectPattern Subject, bool SpacedSeparators, bool LongAttributeNames, bool HexNonAscii);

/// <summary>A spec.paths entry: a prefix with pins and rules of its own.</summary>
public sealed record PathPlan(string Prefix, ImmutableArray<PinPlan> Pins, ImmutableArray<RulePlan> Rules);

/// <summary>Everything one differential case is made of; pure data, generated from a seed.</summary>
public sealed record CasePlan(
    int Index,
    ImmutableArray<CaPlan> Cas,
    ImmutableArray<ClientPlan> Clients,
    ImmutableArray<CrlPlan> Crls,
    ImmutableArray<PinPlan> Pins,
    ImmutableArray<RulePlan> Rules,
    string Revocation,
    string? IdentityHeader,
    bool NoCertificateClient)
{
    /// <summary>The policy's spec.paths (empty for most cases).</summary>
    public ImmutableArray<PathPlan> Paths { get; init; } = [];

    /// <summary>The request targets every client asks for, as sent (hostile spellings included); one plain path without spec.paths.</summary>
    public ImmutableArray<string> Targets { get; init; } = ["/probe"];

    public override string ToString() =>
        $"case {Index}: {Cas.Length} CAs [{string.Join("; ", Cas.Select((c, i) => $"#{i} {c.Subject} parent={c.Parent} {c.Key}/{c.Hash} {c.Validity} pathLen={c.PathLength} {c.Purpose}{(c.WithoutKeyCertSign ? " noKeyCertSign" : "")}{(c.WithoutCrlSign ? " noCrlSign" : "")}{(c.InBundle ? "" : " notInBundle")}{(c.Revoked ? " revoked" : "")}"))}], " +
        $"CRLs [{string.Join("; ", Crls.Select(c => $"CA#{c.Ca} {c.Validity}{(c.SameSecondTwin ? " twin" : "")}{(c.Delta ? " delta" : "")}"))}], revocation {Revocation}, " +
        $"pins [{string.Join("; ", Pins.Select(p => $"client#{p.Client} {p.Spelling}"))}], rules [{string.Join("; ", Rules)}]" +
        (Paths.IsEmpty ? "" : $", paths [{string.Join("; ", Paths.Select(p => $"{p.Prefix}: pins [{string.Join(", ", p.Pins.Select(x => $"client#{x.Client} {x.Spelling}"))}] rules [{string.Join(", ", p.Rules)}]"))}]" +
            $", targets [{string.Join(" ", Targets)}]");
}
