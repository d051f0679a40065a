namespace MtlsOperator.Engine.Policy;

/// <summary>A normalized many-to-one rule; every non-null field must match.</summary>
/// <param name="Issuer">RFC 4514 DN of the client certificate's issuer, most specific RDN first, <c>,</c> without spaces.</param>
/// <param name="Subject">RFC 4514 DN in the same form; an attribute value of <c>*</c> (or containing <c>*</c>) matches any characters except <c>,</c>.</param>
/// <param name="DnsName">A DNS SAN the certificate must carry, exact.</param>
/// <param name="Uri">A URI SAN the certificate must carry, exact.</param>
public sealed record ClientMatchRule(string? Issuer, string? Subject, string? DnsName, string? Uri);
